//! Text normalization and tokenization.
//!
//! A question becomes a list of lower-case, accent-free words. Thai (written without spaces) is
//! first rewritten phrase by phrase into English words (see [`crate::thai`]); possessives
//! (`women's`) lose their `'s`; ISO dates (`2026-01-31`) stay one word; `%` and `/` are words of
//! their own. Every word carries a "used" flag so that each reader (periods, measures,
//! dimensions, values) consumes what it understood and the rest can be counted.

/// At most this many words are read; the rest of a very long text is ignored (and lowers the
/// confidence, since it is not understood).
pub(crate) const MAX_WORDS: usize = 150;

/// The words of a question and which of them have been understood.
#[derive(Debug, Clone)]
pub(crate) struct Tokens {
    words: Vec<String>,
    /// The word as typed (case kept, spelling corrected), for labels such as "Q3 2025".
    raw: Vec<String>,
    used: Vec<bool>,
    /// Words dropped because the question was too long.
    pub(crate) truncated: usize,
}

impl Tokens {
    /// Tokenizes an already translated question (see [`crate::thai::translate`]).
    pub(crate) fn new(text: &str) -> Self {
        let mut raw = split_words(text);
        let truncated = raw.len().saturating_sub(MAX_WORDS);
        raw.truncate(MAX_WORDS);
        let words: Vec<String> = raw.iter().map(|word| word.to_lowercase()).collect();
        let used = vec![false; words.len()];
        Tokens {
            words,
            raw,
            used,
            truncated,
        }
    }

    /// Replaces phrases by other words (dictionary synonyms), longest phrases first; the
    /// words are still free.
    pub(crate) fn rewrite(&mut self, table: &[(Vec<String>, Vec<String>)]) {
        if table.is_empty() {
            return;
        }
        let mut words = Vec::with_capacity(self.words.len());
        let mut raw = Vec::with_capacity(self.raw.len());
        let mut i = 0;
        while i < self.words.len() {
            let found = table.iter().find(|(phrase, _)| {
                self.words
                    .get(i..i + phrase.len())
                    .is_some_and(|window| window == phrase.as_slice())
            });
            match found {
                Some((phrase, replacement)) => {
                    words.extend(replacement.iter().cloned());
                    raw.extend(replacement.iter().cloned());
                    i += phrase.len();
                }
                None => {
                    words.push(self.words[i].clone());
                    raw.push(self.raw.get(i).cloned().unwrap_or_default());
                    i += 1;
                }
            }
        }
        self.used = vec![false; words.len()];
        self.words = words;
        self.raw = raw;
    }

    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The normalized word at `index`, or "" past the end.
    pub(crate) fn word(&self, index: usize) -> &str {
        self.words.get(index).map(String::as_str).unwrap_or("")
    }

    /// The word before `index`, or "" at the start.
    pub(crate) fn before(&self, index: usize) -> &str {
        index.checked_sub(1).map(|i| self.word(i)).unwrap_or("")
    }

    pub(crate) fn words(&self) -> &[String] {
        &self.words
    }

    pub(crate) fn is_free(&self, index: usize) -> bool {
        self.used.get(index).is_some_and(|used| !used)
    }

    /// Whether `count` words from `start` are all still free.
    pub(crate) fn span_free(&self, start: usize, count: usize) -> bool {
        count > 0 && start + count <= self.len() && (start..start + count).all(|i| self.is_free(i))
    }

    /// Marks `count` words from `start` as understood.
    pub(crate) fn take(&mut self, start: usize, count: usize) {
        let end = (start + count).min(self.used.len());
        for flag in self.used.iter_mut().take(end).skip(start) {
            *flag = true;
        }
    }

    /// Gives a word back (it was taken for something it is not).
    pub(crate) fn release(&mut self, index: usize) {
        if let Some(flag) = self.used.get_mut(index) {
            *flag = false;
        }
    }

    /// Whether the free words from `start` are exactly `phrase`.
    pub(crate) fn phrase_at(&self, start: usize, phrase: &[&str]) -> bool {
        self.span_free(start, phrase.len())
            && phrase
                .iter()
                .enumerate()
                .all(|(offset, word)| self.word(start + offset) == *word)
    }

    /// The typed words from `start`, joined by spaces (for labels).
    pub(crate) fn raw_phrase(&self, start: usize, count: usize) -> String {
        let end = (start + count).min(self.raw.len());
        self.raw.get(start..end).unwrap_or_default().join(" ")
    }

    /// Indices of words not understood by anyone.
    pub(crate) fn free_indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|i| self.is_free(*i))
    }

    /// Replaces a misspelt word by the known one (also in labels).
    pub(crate) fn correct(&mut self, index: usize, word: &str) {
        if let Some(slot) = self.words.get_mut(index) {
            *slot = word.to_string();
        }
        if let Some(slot) = self.raw.get_mut(index) {
            *slot = word.to_string();
        }
    }
}

/// Lower-cases and folds accents and typographic quotes, so "Café’s" reads as "cafe's".
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'ç' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
            'ý' | 'ÿ' => 'y',
            '’' | '‘' | '`' | '´' => '\'',
            '–' | '—' => '-',
            other => other,
        })
        .collect()
}

/// Splits a value or question into normalized words (lower case, accents folded).
pub(crate) fn normalize_words(text: &str) -> Vec<String> {
    split_words(&fold(text))
}

/// The words of a value joined without spaces: the key that makes matching spacing-blind.
pub(crate) fn key_of(words: &[String]) -> String {
    words.concat()
}

pub(crate) fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_thai(c)
}

/// The word-splitting rules shared by questions and values (case is kept).
fn split_words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, words: &mut Vec<String>| {
        if !current.is_empty() {
            words.push(std::mem::take(current));
        }
    };
    let mut index = 0;
    while let Some(&c) = chars.get(index) {
        let previous = index.checked_sub(1).and_then(|i| chars.get(i)).copied();
        let next = chars.get(index + 1).copied();
        let digit_around = previous.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        if is_word_char(c) {
            current.push(c);
        } else if c == '\'' {
            // "women's" → "women", "kids'" → "kids", "don't" → "dont".
            let after = chars.get(index + 2).copied();
            if matches!(next, Some('s' | 'S')) && !after.is_some_and(is_word_char) {
                flush(&mut current, &mut words);
                index += 1;
            }
        } else if (c == '-' || c == '.') && digit_around && looks_numeric(&current) {
            // 2026-01-31 and 8.5 stay one word.
            current.push(c);
        } else if c == ',' && digit_around {
            // 10,000 → 10000
        } else {
            flush(&mut current, &mut words);
            match c {
                '%' | '/' | '>' => words.push(c.to_string()),
                '&' | '+' => words.push("and".into()),
                _ => {}
            }
        }
        index += 1;
    }
    flush(&mut current, &mut words);
    words
}

fn looks_numeric(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

pub(crate) fn is_number(word: &str) -> bool {
    !word.is_empty() && word.len() <= 9 && word.chars().all(|c| c.is_ascii_digit())
}

/// A rough singular: "categories" → "category", "shoes" → "shoe", "women" → "woman".
pub(crate) fn singular(word: &str) -> String {
    match word {
        "women" => return "woman".into(),
        "men" => return "man".into(),
        "children" => return "child".into(),
        "people" => return "person".into(),
        _ => {}
    }
    if word.chars().count() <= 3 || word.chars().any(|c| !c.is_ascii_alphabetic()) {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_string();
    }
    word.strip_suffix('s').unwrap_or(word).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Tokens::new(&fold(text)).words().to_vec()
    }

    #[test]
    fn splits_punctuation_possessives_and_keeps_dates() {
        assert_eq!(
            words("Best selling sizes of women's running shoes?"),
            [
                "best", "selling", "sizes", "of", "women", "running", "shoes"
            ]
        );
        assert_eq!(
            words("between 2026-01-01 and 2026-03-31"),
            ["between", "2026-01-01", "and", "2026-03-31"]
        );
        assert_eq!(
            words("margin % by Footwear/Running"),
            ["margin", "%", "by", "footwear", "/", "running"]
        );
        assert_eq!(
            words("Lanna Outdoor Co., Ltd."),
            ["lanna", "outdoor", "co", "ltd"]
        );
        assert_eq!(words("sell-through 8.5"), ["sell", "through", "8.5"]);
        assert_eq!(words("Crème Brûlée"), ["creme", "brulee"]);
        assert_eq!(
            words("kids’ shoes & bags"),
            ["kids", "shoes", "and", "bags"]
        );
    }

    #[test]
    fn odd_input_never_panics() {
        assert!(words("").is_empty());
        assert!(words("🙂🙂 ??? ---").is_empty());
        let long = "revenue ".repeat(2_000);
        let tokens = Tokens::new(&long);
        assert_eq!(tokens.len(), MAX_WORDS);
        assert_eq!(tokens.truncated, 2_000 - MAX_WORDS);
        assert_eq!(tokens.word(10_000), "");
        assert_eq!(tokens.before(0), "");
    }

    #[test]
    fn singular_forms() {
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("shoes"), "shoe");
        assert_eq!(singular("sandals"), "sandal");
        assert_eq!(singular("women"), "woman");
        assert_eq!(singular("address"), "address");
        assert_eq!(singular("ss25"), "ss25");
        assert_eq!(singular("bus"), "bus");
    }
}
