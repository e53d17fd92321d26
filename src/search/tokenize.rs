//! Words as the index and the browser both see them: lowercased, diacritics folded
//! (`é` → `e`), split on anything that is not a letter or digit, stop words dropped, and
//! stemmed with the Snowball English stemmer. `search.js` mirrors every step (same fold
//! table, same stop words, a port of the same stemmer), which a test checks with node.

use rust_stemmers::{Algorithm, Stemmer};

/// Accented lowercase letters and their bare form, pairwise. The same two strings are in
/// `search.js`, so both sides fold identically (generated from Unicode NFD of U+00C0–U+024F).
pub const FOLD_FROM: &str = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǣǧǩǫǭǯǰǵǹǻǽǿȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ";
pub const FOLD_TO: &str = "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaaægkooʒjgnaæøaaeeiioorruusthaeooooy";

/// Words too common to narrow a search; they are neither indexed nor looked up. Kept short
/// so a query like "time to detect" still means something.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "its", "of", "on", "or", "so", "that", "the", "their", "then", "there", "these", "they",
    "this", "to", "was", "were", "which", "will", "with",
];

/// Words that make a query a question or a comparison without saying what it is about:
/// dropped from queries (not from the index) unless the query has nothing else.
pub const FILLER_WORDS: &[&str] = &[
    "about",
    "between",
    "can",
    "define",
    "definition",
    "describe",
    "did",
    "difference",
    "differences",
    "do",
    "does",
    "example",
    "examples",
    "explain",
    "how",
    "i",
    "me",
    "mean",
    "meaning",
    "means",
    "my",
    "our",
    "should",
    "versus",
    "vs",
    "we",
    "what",
    "when",
    "where",
    "who",
    "why",
    "you",
];

/// Endings the stemmer strips (alone or combined): a word being typed that extends a term
/// by the start of one of these may still become a word with that stem (`replicat` →
/// "replication" → `replic`), anything else extends it into another word (`runbo` is not
/// "run"). Sorted.
pub const STEM_ENDINGS: &[&str] = &[
    "ability", "able", "al", "ally", "ance", "ancy", "ant", "ate", "ation", "ational", "ations",
    "ator", "e", "ed", "ement", "ence", "ency", "ent", "er", "es", "ful", "fulness", "ibility",
    "ible", "ic", "ical", "ically", "ied", "ies", "ing", "ion", "ism", "ist", "iti", "ity", "ive",
    "iveness", "ization", "ize", "izing", "less", "li", "ly", "ment", "ness", "ous", "ously", "s",
    "tion", "y",
];

/// Longest word indexed; longer runs are usually hashes or ids.
pub const MAX_WORD_CHARS: usize = 40;

fn fold_char(c: char) -> char {
    match FOLD_FROM.chars().position(|f| f == c) {
        Some(i) => FOLD_TO.chars().nth(i).unwrap_or(c),
        None => c,
    }
}

/// Lowercase and strip diacritics from `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                out.push(fold_char(l));
            }
        }
    }
    out
}

/// Calls `each` with every folded word of `text`, stop words included, in order.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    // A word that is already lowercase ASCII is passed as a slice of `text`; only other
    // words are copied into `word` while folding. This loop runs for every character.
    let bytes = text.as_bytes();
    let mut word = String::new();
    let (mut start, mut chars, mut copied) = (0, 0, false);
    let mut i = 0;
    let mut emit = |slice: &str, word: &mut String, chars: usize, copied: bool| {
        if chars > 0 && chars <= MAX_WORD_CHARS {
            each(if copied { word.as_str() } else { slice });
        }
        word.clear();
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                if chars == 0 {
                    start = i;
                }
                if b.is_ascii_uppercase() && !copied {
                    word.push_str(&text[start..i]);
                    copied = true;
                }
                if copied {
                    word.push(b.to_ascii_lowercase() as char);
                }
                chars += 1;
            } else {
                emit(&text[start..i], &mut word, chars, copied);
                (chars, copied) = (0, false);
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() {
            if chars == 0 {
                start = i;
            }
            if !copied {
                word.push_str(&text[start..i]);
                copied = true;
            }
            for l in c.to_lowercase() {
                word.push(fold_char(l));
            }
            chars += 1;
        } else {
            emit(&text[start..i], &mut word, chars, copied);
            (chars, copied) = (0, false);
        }
        i += c.len_utf8();
    }
    emit(&text[start..], &mut word, chars, copied);
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

pub fn is_filler_word(word: &str) -> bool {
    FILLER_WORDS.binary_search(&word).is_ok()
}

/// The English Snowball stemmer, shared by the whole index build.
pub struct WordStemmer(Stemmer);

impl Default for WordStemmer {
    fn default() -> Self {
        WordStemmer(Stemmer::create(Algorithm::English))
    }
}

impl WordStemmer {
    /// Stem of an already folded word. Digits-only words are kept as they are.
    pub fn stem(&self, folded: &str) -> String {
        if folded.bytes().any(|b| b.is_ascii_alphabetic()) {
            self.0.stem(folded).into_owned()
        } else {
            folded.to_string()
        }
    }
}

/// Stemmed, stop-word-free terms of `text`: what a query or a field indexes as.
pub fn terms(stemmer: &WordStemmer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| {
        if !is_stop_word(w) {
            out.push(stemmer.stem(w));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        for list in [STOP_WORDS, FILLER_WORDS, STEM_ENDINGS] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            assert_eq!(sorted, list);
        }
    }

    #[test]
    fn fold_table_pairs_up() {
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.chars().count());
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Café ÜBER Ångström"), "cafe uber angstrom");
        let mut words = Vec::new();
        for_each_word("Naïve fail-over, at 03:14 (p99)!", |w| {
            words.push(w.to_string())
        });
        assert_eq!(words, ["naive", "fail", "over", "at", "03", "14", "p99"]);
    }

    #[test]
    fn stems_inflections_to_one_term() {
        let s = WordStemmer::default();
        assert_eq!(s.stem("replicating"), s.stem("replication"));
        assert_eq!(s.stem("replicated"), s.stem("replicating"));
        assert_eq!(terms(&s, "The Failovers failed"), ["failov", "fail"]);
        assert_eq!(s.stem("2017"), "2017");
    }
}
