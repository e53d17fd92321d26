//! Numbers written as letters, for the data files the browser decodes (the search index,
//! long backlink lists): a varint in a 64-letter alphabet that is safe in URLs, JSON and
//! HTML attributes unescaped. Each letter carries 5 bits; the sixth says "more follows".
//! A list of ascending ids is written as gaps, so ids close together cost a letter each.
//! The decoders are in the theme's search.js and hindsight.js.

/// The letters, by value: `0`–`9`, `A`–`Z`, `a`–`z`, `-`, `_`.
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Append `v`, low bits first: letters 32–63 mean "more follows", 0–31 end the number.
pub fn push_varint(out: &mut String, mut v: u32) {
    while v >= 32 {
        out.push(ALPHABET[32 + (v & 31) as usize] as char);
        v >>= 5;
    }
    out.push(ALPHABET[v as usize] as char);
}

/// Ids, ascending, as gaps minus one (consecutive ids cost one letter); `each` may append
/// more after each id.
pub fn encode_docs(
    docs: impl Iterator<Item = u32>,
    mut each: impl FnMut(&mut String, u32),
) -> String {
    let mut out = String::new();
    let mut next = 0u32;
    for d in docs {
        push_varint(&mut out, d - next);
        each(&mut out, d);
        next = d + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_of_ascending_ids_cost_a_letter_each_when_close() {
        assert_eq!(encode_docs([0, 1, 2, 40].into_iter(), |_, _| {}), "000b1");
        let mut big = String::new();
        push_varint(&mut big, 1000);
        assert_eq!(big, "eV");
    }
}
