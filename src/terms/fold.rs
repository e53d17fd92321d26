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

/// ASCII letters, digits and `_`: the ASCII part of [`is_word_char`].
fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where the fold is: after a word char, after whitespace.
#[derive(Default)]
struct FoldState {
    word: bool,
    space: bool,
}

impl FoldState {
    /// Move onto a word or non-word char, first writing a boundary (`\0`) through `push` if
    /// that crosses one.
    fn enter(&mut self, word: bool, push: impl FnOnce(u8)) {
        if word != self.word {
            push(0);
        }
        self.word = word;
    }
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
        let mut at = FoldState::default();
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            i = match bytes[i] {
                b if is_ascii_word_byte(b) => self.push_ascii_word(bytes, i, &mut at),
                b if b.is_ascii() => self.push_ascii_other(b, i, &mut at),
                _ => self.push_char(src, i, &mut at),
            };
        }
        if at.word {
            self.push(BOUNDARY, src.len());
        }
        self.origin.push(src.len() as u32);
    }

    /// A run of ASCII word bytes, most of any English text, in one go: lowercased, after a
    /// boundary if a word starts here. Returns where the run ends.
    fn push_ascii_word(&mut self, bytes: &[u8], i: usize, at: &mut FoldState) -> usize {
        let end = bytes[i..]
            .iter()
            .position(|&b| !is_ascii_word_byte(b))
            .map_or(bytes.len(), |n| i + n);
        at.enter(true, |b| self.push_byte(b, i));
        self.text
            .extend(bytes[i..end].iter().map(u8::to_ascii_lowercase));
        self.origin.extend(i as u32..end as u32);
        at.space = false;
        end
    }

    /// An ASCII space or punctuation byte.
    fn push_ascii_other(&mut self, b: u8, i: usize, at: &mut FoldState) -> usize {
        at.enter(false, |b| self.push_byte(b, i));
        if b.is_ascii_whitespace() {
            if !at.space {
                self.push_byte(b' ', i);
            }
            at.space = true;
        } else {
            at.space = false;
            self.push_byte(b, i);
        }
        i + 1
    }

    /// A non-ASCII char: Unicode word test, whitespace, typographic apostrophes, lowercase.
    fn push_char(&mut self, src: &str, i: usize, at: &mut FoldState) -> usize {
        let c = src[i..].chars().next().unwrap_or_default();
        at.enter(is_word_char(c), |b| self.push_byte(b, i));
        if c.is_whitespace() {
            if !at.space {
                self.push(' ', i);
            }
            at.space = true;
            return i + c.len_utf8();
        }
        at.space = false;
        match c {
            '\u{2019}' | '\u{02bc}' => self.push('\'', i),
            c => {
                for lower in c.to_lowercase() {
                    self.push(lower, i);
                }
            }
        }
        i + c.len_utf8()
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

    /// The fold's definition, one char at a time, with no fast paths.
    fn fold_by_chars(src: &str) -> (String, Vec<u32>) {
        let (mut text, mut origin) = (String::new(), Vec::new());
        let mut push = |c: char, at: usize, text: &mut String| {
            text.push(c);
            origin.extend(std::iter::repeat_n(at as u32, c.len_utf8()));
        };
        let (mut prev_word, mut prev_space) = (false, false);
        for (at, c) in src.char_indices() {
            let word = is_word_char(c);
            if word != prev_word {
                push(BOUNDARY, at, &mut text);
            }
            prev_word = word;
            if c.is_whitespace() {
                if !prev_space {
                    push(' ', at, &mut text);
                }
                prev_space = true;
                continue;
            }
            prev_space = false;
            match c {
                '\u{2019}' | '\u{02bc}' => push('\'', at, &mut text),
                c => c.to_lowercase().for_each(|l| push(l, at, &mut text)),
            }
        }
        if prev_word {
            push(BOUNDARY, src.len(), &mut text);
        }
        origin.push(src.len() as u32);
        (text, origin)
    }

    #[test]
    fn fast_paths_fold_as_the_definition_does() {
        let alphabet: Vec<char> = "aZ09_ \t\n.,-'\u{2019}\u{02bc}éİÄ\u{301}\u{a0}\u{3000}語ß"
            .chars()
            .collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut f = Folded::default();
        for _ in 0..2_000 {
            let len = (seed % 24) as usize;
            let src: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            f.fold(&src);
            let (text, origin) = fold_by_chars(&src);
            assert_eq!(String::from_utf8(f.text.clone()).unwrap(), text, "{src:?}");
            assert_eq!(f.origin, origin, "{src:?}");
        }
    }
}
