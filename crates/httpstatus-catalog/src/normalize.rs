//! How text becomes search terms, and the field weights: shared by `build.rs`, which builds the search index
//! at compile time, and by [`crate::search`], which normalises queries the same way. Plain functions over
//! strings, with nothing from the rest of the crate, so that the build script can include this file.

/// Field weights: a term found in the name counts most, one found in the causes least.
pub const W_NAME: f32 = 10.0;
pub const W_ALIAS: f32 = 8.0;
pub const W_KEYWORD: f32 = 6.0;
pub const W_VENDOR: f32 = 5.0;
pub const W_SUMMARY: f32 = 2.0;
pub const W_BODY: f32 = 0.6;

/// Words too common to tell codes apart.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "of", "to", "in", "on", "for", "and", "or", "my", "i",
    "it", "what", "does", "do", "mean", "means", "meaning", "http", "https", "status", "code",
    "codes", "error", "response", "with", "by", "at", "from", "be", "this", "that", "me", "get",
    "got", "getting", "why", "how", "when",
];

/// Splits text into normalised search terms: lowercase, apostrophes dropped, stop words removed, stemmed.
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
pub fn stem(word: &str) -> String {
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

/// The set of characters a term uses: one bit per letter `a`-`z` and digit, one for anything else.
pub fn char_mask(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| {
        mask | match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
            _ => 1 << 63,
        }
    })
}
