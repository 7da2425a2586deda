//! Ranked, deterministic, in-process search: names, old names, synonyms, vendors, text, typos and codes in text.
//!
//! The index is built once, on first use, from the static entries. A query is normalised into terms (lowercase,
//! punctuation dropped, a light suffix stemmer, stop words removed); each term scores the entries whose fields
//! hold it, weighted by field (name > alias > keyword > vendor > summary > causes) and by rarity. A term that is
//! not in the vocabulary matches its near spellings (edit distance 1, or 2 for long words) and, for the last
//! term, its completions, at a discount. A three-digit number that is a code, a query equal to a name or alias,
//! and a query that covers every term all add bonuses. Ties break by code, so results are deterministic.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::entry::Entry;

/// One search result.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub entry: &'static Entry,
    pub score: f32,
}

struct Index {
    /// term -> (entry index, best field weight of that term in that entry).
    postings: HashMap<String, Vec<(u16, f32)>>,
    /// Every term, for fuzzy and prefix matching, grouped by length in characters.
    by_length: Vec<Vec<Term>>,
    /// Per entry: normalised names and aliases, for whole-phrase matches.
    phrases: Vec<Vec<String>>,
    entries: &'static [Entry],
}

const W_NAME: f32 = 10.0;
const W_ALIAS: f32 = 8.0;
const W_KEYWORD: f32 = 6.0;
const W_VENDOR: f32 = 5.0;
const W_SUMMARY: f32 = 2.0;
const W_BODY: f32 = 0.6;

/// Terms of a query past this many are ignored: a person's query is a few words, and each term costs a pass
/// over the vocabulary when it is misspelt.
pub const MAX_TERMS: usize = 32;

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "of", "to", "in", "on", "for", "and", "or", "my", "i",
    "it", "what", "does", "do", "mean", "means", "meaning", "http", "https", "status", "code",
    "codes", "error", "response", "with", "by", "at", "from", "be", "this", "that", "me", "get",
    "got", "getting", "why", "how", "when",
];

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| build(crate::entries()))
}

fn build(entries: &'static [Entry]) -> Index {
    let mut postings: HashMap<String, Vec<(u16, f32)>> = HashMap::new();
    let mut phrases = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let mut add = |text: &str, weight: f32| {
            for term in terms(text) {
                let list = postings.entry(term).or_default();
                match list.last_mut() {
                    Some((doc, w)) if *doc == i as u16 => *w = w.max(weight),
                    _ => list.push((i as u16, weight)),
                }
            }
        };
        add(e.name, W_NAME);
        e.aliases
            .iter()
            .chain(e.former_names)
            .for_each(|a| add(a, W_ALIAS));
        e.keywords.iter().for_each(|k| add(k, W_KEYWORD));
        for v in e.vendors {
            add(v.name, W_ALIAS);
            add(v.vendor, W_VENDOR);
        }
        add(e.summary, W_SUMMARY);
        if let Some(causes) = e.section("Causes") {
            add(causes.markdown, W_BODY);
        }
        let mut names: Vec<String> = std::iter::once(e.name)
            .chain(e.aliases.iter().copied())
            .chain(e.former_names.iter().copied())
            .chain(e.vendors.iter().map(|v| v.name))
            .map(|n| terms(n).join(" "))
            .filter(|n| !n.is_empty())
            .collect();
        names.dedup();
        phrases.push(names);
    }
    let mut by_length: Vec<Vec<Term>> = Vec::new();
    for term in postings.keys() {
        let len = term.chars().count();
        if by_length.len() <= len {
            by_length.resize_with(len + 1, Vec::new);
        }
        by_length[len].push(Term {
            mask: char_mask(term),
            text: term.clone(),
        });
    }
    for bucket in &mut by_length {
        bucket.sort_by(|a, b| a.text.cmp(&b.text));
    }
    Index {
        postings,
        by_length,
        phrases,
        entries,
    }
}

/// Splits text into normalised search terms.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        let word: String = word
            .chars()
            .filter(|c| *c != '\'')
            .flat_map(char::to_lowercase)
            .collect();
        if word.is_empty() || STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        out.push(stem(&word));
    }
    out
}

/// A light suffix stemmer: enough to match "requests" with "request" and "timed" with "time".
fn stem(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) || word.len() <= 3 {
        return word.to_owned();
    }
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = word.strip_suffix(suffix) {
            let min = if suffix.len() >= 2 && suffix != "es" {
                4
            } else {
                3
            };
            if base.len() >= min && !(suffix == "s" && base.ends_with('s')) {
                return base.to_owned();
            }
        }
    }
    word.to_owned()
}

/// A vocabulary term and the set of characters it uses.
struct Term {
    text: String,
    /// One bit per letter `a`-`z` and digit, one for anything else.
    mask: u64,
}

fn char_mask(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| {
        mask | match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
            _ => 1 << 63,
        }
    })
}

/// The edit distance of two terms when it is at most `max`, without allocating for ASCII terms of up to 63
/// bytes (every term a person types); longer or non-ASCII terms take [`edit_distance`].
fn bounded_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    const N: usize = 64;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || a.len() >= N || b.len() >= N {
        let d = edit_distance(std::str::from_utf8(a).ok()?, std::str::from_utf8(b).ok()?);
        return (d <= max).then_some(d);
    }
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev2 = [0usize; N];
    let mut prev = [0usize; N];
    let mut cur = [0usize; N];
    for (j, slot) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *slot = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(prev2[j - 2] + 1);
            }
            cur[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
        prev2 = prev;
        prev = cur;
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Terms of the vocabulary that stand for a query term, each with a discount (1.0 for an exact match).
fn expand<'a>(index: &'a Index, term: &'a str, is_last: bool) -> Vec<(&'a str, f32)> {
    if index.postings.contains_key(term) {
        let mut out = vec![(term, 1.0)];
        if is_last && term.len() >= 3 {
            out.extend(completions(index, term));
        }
        return out;
    }
    let len = term.chars().count();
    let mut out = Vec::new();
    if len >= 4 {
        let max = if len >= 7 { 2 } else { 1 };
        let mask = char_mask(term);
        for l in len.saturating_sub(max)..=len + max {
            for candidate in index.by_length.get(l).into_iter().flatten() {
                // Each edit adds or removes at most two characters from the set a word uses: a cheap filter.
                if (mask ^ candidate.mask).count_ones() as usize > 2 * max {
                    continue;
                }
                if let Some(d) = bounded_distance(term, &candidate.text, max) {
                    out.push((candidate.text.as_str(), if d == 1 { 0.8 } else { 0.6 }));
                }
            }
        }
    }
    if is_last && len >= 2 {
        out.extend(completions(index, term));
    }
    out
}

fn completions<'a>(index: &'a Index, prefix: &str) -> Vec<(&'a str, f32)> {
    let len = prefix.chars().count();
    let mut out = Vec::new();
    for bucket in index.by_length.iter().skip(len + 1) {
        for candidate in bucket {
            if candidate.text.starts_with(prefix) {
                out.push((candidate.text.as_str(), 0.7));
            }
        }
    }
    out
}

/// Searches the catalog; best first, at most `limit` hits.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    search_in(index(), query, limit)
}

fn search_in(index: &Index, query: &str, limit: usize) -> Vec<Hit> {
    let entries = index.entries;
    let n = entries.len() as f32;
    let mut scores = vec![0f32; entries.len()];
    let mut matched = vec![0u8; entries.len()];

    // A status code in the text ("error 404", "got a 502") wins outright.
    for word in query.split(|c: char| !c.is_ascii_digit()) {
        if word.len() == 3 {
            if let Ok(code) = word.parse::<u16>() {
                if let Ok(i) = entries.binary_search_by_key(&code, |e| e.code) {
                    scores[i] += 1000.0;
                }
            }
        }
    }

    let query_terms: Vec<String> = terms(query)
        .into_iter()
        .filter(|t| !(t.len() == 3 && t.parse::<u16>().is_ok()))
        .take(MAX_TERMS)
        .collect();
    let count = query_terms.len();
    for (position, term) in query_terms.iter().enumerate() {
        let mut best = vec![0f32; entries.len()];
        for (candidate, discount) in expand(index, term, position + 1 == count) {
            let Some(list) = index.postings.get(candidate) else {
                continue;
            };
            let idf = (1.0 + n / list.len() as f32).ln();
            for &(doc, weight) in list {
                let s = weight * idf * discount;
                let slot = &mut best[doc as usize];
                *slot = slot.max(s);
            }
        }
        for (i, s) in best.into_iter().enumerate() {
            if s > 0.0 {
                scores[i] += s;
                matched[i] += 1;
            }
        }
    }

    if count > 0 {
        let phrase = query_terms.join(" ");
        for (i, names) in index.phrases.iter().enumerate() {
            if matched[i] == 0 {
                continue;
            }
            if names.contains(&phrase) {
                scores[i] += 40.0;
            } else if count >= 2 && names.iter().any(|name| name.contains(&phrase)) {
                scores[i] += 15.0;
            }
            let coverage = f32::from(matched[i]) / count as f32;
            scores[i] *= 0.5 + 0.5 * coverage * coverage;
        }
    }

    let mut hits: Vec<Hit> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0.0)
        .map(|(i, s)| Hit {
            entry: &entries[i],
            score: *s,
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.entry.is_official().cmp(&a.entry.is_official()))
            .then(a.entry.code.cmp(&b.entry.code))
    });
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_normalised_and_stemmed() {
        assert_eq!(terms("Too Many Requests!"), vec!["too", "many", "request"]);
        assert_eq!(
            terms("the upstream timed out"),
            vec!["upstream", "timed", "out"]
        );
        assert_eq!(terms("I'm a teapot"), vec!["im", "teapot"]);
        assert_eq!(terms("error 404"), vec!["404"]);
    }

    #[test]
    fn terms_past_the_cap_are_ignored() {
        let filler: Vec<String> = (0..MAX_TERMS).map(|i| format!("qqq{i}x")).collect();
        let capped = format!("{} teapot", filler.join(" "));
        assert!(search("teapot", 5).iter().any(|h| h.entry.code == 418));
        assert!(!search(&capped, 5).iter().any(|h| h.entry.code == 418));
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words = [
            "gatway",
            "gateway",
            "gaetway",
            "timeout",
            "timeot",
            "abc",
            "",
            "upstream",
            "upstrem",
            "caf\u{e9}",
            "cafe",
        ];
        for a in words {
            for b in words {
                for max in 0..=3 {
                    let full = edit_distance(a, b);
                    assert_eq!(
                        bounded_distance(a, b, max),
                        (full <= max).then_some(full),
                        "{a} {b} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("gatway", "gateway"), 1);
        assert_eq!(edit_distance("gaetway", "gateway"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
