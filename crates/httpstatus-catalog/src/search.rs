//! Ranked, deterministic, in-process search: names, old names, synonyms, vendors, text, typos and codes in text.
//!
//! The index is built at compile time (`build.rs`, with the normalisation of [`crate::normalize`]), so a search
//! costs no start-up work. A query is normalised into terms (lowercase, punctuation dropped, a light suffix
//! stemmer, stop words removed); each term scores the entries whose fields hold it, weighted by field (name >
//! alias > keyword > vendor > summary > causes) and by rarity. A term that is not in the vocabulary matches its
//! near spellings (edit distance 1, or 2 for long words) and, for the last term, its completions, at a
//! discount. A three-digit number that is a code, a query equal to a name or alias, and a query that covers
//! every term all add bonuses. Ties break by registration, then code, so results are deterministic.

use crate::entry::Entry;
use crate::generated::{
    SEARCH_BY_LENGTH, SEARCH_IDF, SEARCH_PHRASES, SEARCH_POSTINGS, SEARCH_TERMS,
};
use crate::normalize::char_mask;
pub use crate::normalize::terms;

/// One search result.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub entry: &'static Entry,
    pub score: f32,
}

/// Terms of a query past this many are ignored: a person's query is a few words, and each term costs a pass
/// over the vocabulary when it is misspelt.
pub const MAX_TERMS: usize = 32;

/// The index of a vocabulary term.
fn term_index(term: &str) -> Option<usize> {
    SEARCH_TERMS.binary_search(&term).ok()
}

/// The search index as data, for a search that runs elsewhere (the static export's script): the same tables
/// the catalog searches, with the weights and stop words of the normalisation.
pub fn index_json() -> serde_json::Value {
    use crate::normalize::*;
    let postings: Vec<Vec<(u16, f32)>> = SEARCH_POSTINGS.iter().map(|l| l.to_vec()).collect();
    let entries: Vec<serde_json::Value> = crate::entries()
        .iter()
        .map(|e| serde_json::json!([e.code, e.name, e.is_official()]))
        .collect();
    serde_json::json!({
        "version": 1,
        "max_terms": MAX_TERMS,
        "stop_words": STOP_WORDS,
        "weights": [W_NAME, W_ALIAS, W_KEYWORD, W_VENDOR, W_SUMMARY, W_BODY],
        "entries": entries,
        "terms": SEARCH_TERMS,
        "idf": SEARCH_IDF,
        "postings": postings,
        "phrases": SEARCH_PHRASES,
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
fn expand(term: &str, is_last: bool) -> Vec<(usize, f32)> {
    if let Some(i) = term_index(term) {
        let mut out = vec![(i, 1.0)];
        if is_last && term.len() >= 3 {
            out.extend(completions(term));
        }
        return out;
    }
    let len = term.chars().count();
    let mut out = Vec::new();
    if len >= 4 {
        let max = if len >= 7 { 2 } else { 1 };
        let mask = char_mask(term);
        for l in len.saturating_sub(max)..=len + max {
            for &(candidate_mask, i) in SEARCH_BY_LENGTH.get(l).copied().unwrap_or_default() {
                // Each edit adds or removes at most two characters from the set a word uses: a cheap filter.
                if (mask ^ candidate_mask).count_ones() as usize > 2 * max {
                    continue;
                }
                if let Some(d) = bounded_distance(term, SEARCH_TERMS[usize::from(i)], max) {
                    out.push((usize::from(i), if d == 1 { 0.8 } else { 0.6 }));
                }
            }
        }
    }
    if is_last && len >= 2 {
        out.extend(completions(term));
    }
    out
}

fn completions(prefix: &str) -> Vec<(usize, f32)> {
    let len = prefix.chars().count();
    let mut out = Vec::new();
    for bucket in SEARCH_BY_LENGTH.iter().skip(len + 1) {
        for &(_, i) in *bucket {
            if SEARCH_TERMS[usize::from(i)].starts_with(prefix) {
                out.push((usize::from(i), 0.7));
            }
        }
    }
    out
}

/// Searches the catalog; best first, at most `limit` hits.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    let entries = crate::entries();
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
        for (candidate, discount) in expand(term, position + 1 == count) {
            let idf = SEARCH_IDF[candidate];
            for &(doc, weight) in SEARCH_POSTINGS[candidate] {
                let s = weight * idf * discount;
                let slot = &mut best[usize::from(doc)];
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
        for (i, names) in SEARCH_PHRASES.iter().enumerate() {
            if matched[i] == 0 {
                continue;
            }
            if names.contains(&phrase.as_str()) {
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
