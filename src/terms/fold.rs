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
    /// Valid UTF-8 (whole chars are pushed), kept as bytes for the automaton.
    pub text: Vec<u8>,
    /// `origin[i]` is the original offset where folded byte `i` came from; one extra entry
    /// at the end holds the original length. Always on a char boundary of the original.
    origin: Vec<u32>,
}

impl Folded {
    /// Fold `src` into this buffer, reusing its allocations.
    pub fn fold(&mut self, src: &str) {
        self.text.clear();
        self.origin.clear();
        self.text.reserve(src.len() + src.len() / 4);
        self.origin.reserve(src.len() + src.len() / 4);
        let mut prev_word = false;
        let mut prev_space = false;
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII, most of any English text, byte by byte.
            let b = bytes[i];
            if b.is_ascii() {
                let word = b.is_ascii_alphanumeric() || b == b'_';
                if word != prev_word {
                    self.push_byte(0, i);
                }
                prev_word = word;
                if b.is_ascii_whitespace() {
                    if !prev_space {
                        self.push_byte(b' ', i);
                    }
                    prev_space = true;
                } else {
                    prev_space = false;
                    self.push_byte(b.to_ascii_lowercase(), i);
                }
                i += 1;
                continue;
            }
            let c = src[i..].chars().next().unwrap_or_default();
            let len = c.len_utf8();
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
                i += len;
                continue;
            }
            prev_space = false;
            match c {
                '\u{2019}' | '\u{02bc}' => self.push('\'', i),
                c => {
                    for lower in c.to_lowercase() {
                        self.push(lower, i);
                    }
                }
            }
            i += len;
        }
        if prev_word {
            self.push(BOUNDARY, src.len());
        }
        self.origin.push(src.len() as u32);
    }

    fn push_byte(&mut self, b: u8, origin: usize) {
        self.text.push(b);
        self.origin.push(origin as u32);
    }

    fn push(&mut self, c: char, origin: usize) {
        let mut buf = [0; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.push_byte(b, origin);
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
    String::from_utf8(f.text).unwrap_or_default()
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
        let at = find(&f.text, &needle);
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
        let at = find(&f.text, &needle);
        assert_eq!(&src[f.original(at, at + needle.len())], "outage");
        for i in 0..=f.text.len() {
            let r = f.original(i, i);
            assert!(src.is_char_boundary(r.start));
        }
    }

    fn find(hay: &[u8], needle: &str) -> usize {
        hay.windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .unwrap()
    }

    #[test]
    fn ascii_fast_path_agrees_with_char_path() {
        // Same fold for a name whether it arrives as ASCII or next to non-ASCII text.
        let mut f = Folded::default();
        f.fold("é Blast\t\n Radius’s");
        let text = String::from_utf8(f.text).unwrap();
        assert_eq!(text, "\0é\0 \0blast\0 \0radius\0'\0s\0");
    }

    #[test]
    fn combining_marks_are_part_of_words() {
        // "cafe" + combining acute: no boundary after "cafe".
        assert_eq!(fold_name("cafe\u{301}"), "\0cafe\u{301}\0");
    }
}
