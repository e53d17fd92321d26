//! Folding text for term matching. Text and term names go through the same fold, so a plain
//! byte automaton over the folded forms matches case-insensitively (Unicode lowercase), across
//! any run of whitespace, with typographic apostrophes equal to `'`, and only on word
//! boundaries: the fold writes a `\0` at every boundary between a word character and
//! anything else, and a folded name carries the same `\0`s, so it can only match where the
//! text has a boundary.

/// Marks a word boundary in folded text.
pub const BOUNDARY: char = '\0';

/// Letters, marks and digits of any script (XID_Continue, which also holds `_`).
pub fn is_word_char(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Folded text, with the offset in the original text of each folded byte.
#[derive(Debug, Default)]
pub struct Folded {
    pub text: String,
    /// `origin[i]` is the original offset where folded byte `i` came from; one extra entry
    /// at the end holds the original length. Always on a char boundary of the original.
    origin: Vec<u32>,
}

impl Folded {
    /// Fold `src` into this buffer, reusing its allocations.
    pub fn fold(&mut self, src: &str) {
        self.text.clear();
        self.origin.clear();
        let mut prev_word = false;
        let mut prev_space = false;
        for (i, c) in src.char_indices() {
            let word = is_word_char(c);
            if word != prev_word {
                self.push(BOUNDARY, i);
            }
            prev_word = word;
            if c.is_whitespace() {
                if !prev_space {
                    self.push(' ', i);
                }
                prev_space = true;
                continue;
            }
            prev_space = false;
            match c {
                '\u{2019}' | '\u{02bc}' => self.push('\'', i),
                c if c.is_ascii() => self.push(c.to_ascii_lowercase(), i),
                c => {
                    for lower in c.to_lowercase() {
                        self.push(lower, i);
                    }
                }
            }
        }
        if prev_word {
            self.push(BOUNDARY, src.len());
        }
        self.origin.push(src.len() as u32);
    }

    fn push(&mut self, c: char, origin: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.origin.push(origin as u32);
        }
    }

    /// The original byte range of the folded range `start..end`.
    pub fn original(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        self.origin[start] as usize..self.origin[end] as usize
    }
}

/// Fold one term name (a pattern for the automaton).
pub fn fold_name(name: &str) -> String {
    let mut f = Folded::default();
    f.fold(name.trim());
    f.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_boundaries_and_lowercases() {
        assert_eq!(fold_name("Blast  Radius"), "\0blast\0 \0radius\0");
        assert_eq!(fold_name("SLO’s"), "\0slo\0'\0s\0");
        assert_eq!(fold_name("C++"), "\0c\0++");
        assert_eq!(fold_name("Ärger"), "\0ärger\0");
    }

    #[test]
    fn maps_back_to_original_offsets() {
        let src = "Über  RUNBOOK’s";
        let mut f = Folded::default();
        f.fold(src);
        let needle = fold_name("runbook");
        let at = f.text.find(&needle).unwrap();
        let r = f.original(at, at + needle.len());
        assert_eq!(&src[r], "RUNBOOK");
    }

    #[test]
    fn expanding_lowercase_keeps_char_boundaries() {
        // 'İ' lowercases to two chars; offsets must still land on char boundaries.
        let src = "İstanbul outage";
        let mut f = Folded::default();
        f.fold(src);
        let needle = fold_name("outage");
        let at = f.text.find(&needle).unwrap();
        assert_eq!(&src[f.original(at, at + needle.len())], "outage");
        for i in 0..=f.text.len() {
            if f.text.is_char_boundary(i) {
                let r = f.original(i, i);
                assert!(src.is_char_boundary(r.start));
            }
        }
    }

    #[test]
    fn combining_marks_are_part_of_words() {
        // "cafe" + combining acute: no boundary after "cafe".
        assert_eq!(fold_name("cafe\u{301}"), "\0cafe\u{301}\0");
    }
}
