//! Search tokens (检索词) for Chinese-capable full-text search in PostgreSQL with the `simple`
//! configuration, which cannot segment Chinese itself.
//!
//! Analysis: fullwidth ASCII (`ＸＹ２０２５`) is folded to ASCII; runs of letters and digits are
//! words, lowercased; runs of CJK ideographs (Unified incl. extensions A–H, compatibility, and
//! 〇) are cut into overlapping bigrams; everything else separates. The index also holds every
//! single ideograph (unigrams), so a one-character query such as a surname (张) finds documents;
//! a longer query uses bigrams only, which already imply the unigrams.
//!
//! Tokens consist only of letters, digits and ideographs: no operators, quotes or spaces. Store
//! them with `array_to_tsvector($1::text[])` (no re-parsing) or `to_tsvector('simple', …)` of the
//! tokens joined by spaces; query with `websearch_to_tsquery('simple', …)` of [`query_tokens`]
//! joined by spaces (all tokens must match). Because `websearch_to_tsquery` reads the word `or`
//! as an operator, [`query_tokens`] leaves it out.

use std::collections::HashSet;

/// The most tokens [`index_tokens`] returns for one text.
pub const MAX_INDEX_TOKENS: usize = 20_000;

/// The most tokens [`query_tokens`] returns for one query.
pub const MAX_QUERY_TOKENS: usize = 64;

/// Words longer than this many characters are cut to it (on both the index and the query side).
pub const MAX_WORD_CHARS: usize = 64;

/// 索引词: the tokens to index `text` under: words, and for ideograph runs every unigram and
/// every overlapping bigram; deduplicated in first-seen order, at most [`MAX_INDEX_TOKENS`].
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut out = Tokens::new(MAX_INDEX_TOKENS);
    for piece in pieces(text) {
        match piece {
            Piece::Word(word) => out.push(word),
            Piece::Ideographs(run) => {
                for (i, c) in run.iter().enumerate() {
                    out.push(c.to_string());
                    if let Some(next) = run.get(i + 1) {
                        out.push([*c, *next].iter().collect());
                    }
                }
            }
        }
        if out.full() {
            break;
        }
    }
    out.list
}

/// 查询词: the tokens of a search query: words (except `or`), and for ideograph runs the
/// overlapping bigrams, or the single ideograph of a one-character run. At most
/// [`MAX_QUERY_TOKENS`].
pub fn query_tokens(q: &str) -> Vec<String> {
    let mut out = Tokens::new(MAX_QUERY_TOKENS);
    for piece in pieces(q) {
        match piece {
            Piece::Word(word) if word == "or" => {}
            Piece::Word(word) => out.push(word),
            Piece::Ideographs(run) if run.len() == 1 => out.push(run[0].to_string()),
            Piece::Ideographs(run) => run.windows(2).for_each(|pair| out.push(pair.iter().collect())),
        }
        if out.full() {
            break;
        }
    }
    out.list
}

/// A capped, deduplicated token list.
struct Tokens {
    list: Vec<String>,
    seen: HashSet<String>,
    cap: usize,
}

impl Tokens {
    fn new(cap: usize) -> Self {
        Tokens { list: Vec::new(), seen: HashSet::new(), cap }
    }

    fn push(&mut self, token: String) {
        if !self.full() && self.seen.insert(token.clone()) {
            self.list.push(token);
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= self.cap
    }
}

enum Piece {
    /// Lowercased letters and digits.
    Word(String),
    /// A run of ideographs.
    Ideographs(Vec<char>),
}

/// Whether `c` is a CJK ideograph (汉字).
pub fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3007}'                      // 〇 (as in 二〇二五)
        | '\u{3400}'..='\u{4DBF}'       // Extension A
        | '\u{4E00}'..='\u{9FFF}'       // Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'       // Compatibility Ideographs
        | '\u{20000}'..='\u{2EBEF}'     // Extensions B–F, I
        | '\u{2F800}'..='\u{2FA1F}'     // Compatibility Supplement
        | '\u{30000}'..='\u{323AF}'     // Extensions G–H
    )
}

/// Fullwidth ASCII forms (Ａ, ２, －) to ASCII; the ideographic space to a space.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Splits text into words and ideograph runs.
fn pieces(text: &str) -> impl Iterator<Item = Piece> + '_ {
    let mut chars = text.chars().map(fold).peekable();
    std::iter::from_fn(move || {
        loop {
            let c = *chars.peek()?;
            if is_ideograph(c) {
                let mut run = Vec::new();
                while let Some(&c) = chars.peek().filter(|c| is_ideograph(**c)) {
                    run.push(c);
                    chars.next();
                }
                return Some(Piece::Ideographs(run));
            }
            if c.is_alphanumeric() {
                let mut word = String::new();
                let mut len = 0;
                while let Some(&c) = chars.peek().filter(|c| c.is_alphanumeric() && !is_ideograph(**c)) {
                    // Lowercasing may add combining marks (İ → i̇): keep letters and digits only.
                    for lower in c.to_lowercase().filter(|l| l.is_alphanumeric()) {
                        if len < MAX_WORD_CHARS {
                            word.push(lower);
                            len += 1;
                        }
                    }
                    chars.next();
                }
                if !word.is_empty() {
                    return Some(Piece::Word(word));
                }
                continue;
            }
            chars.next();
        }
    })
}

#[cfg(test)]
mod tests;
