//! Makes untrusted log text safe to print on a terminal; dindlog's own colours; how wide the terminal is.

use std::borrow::Cow;

/// Escapes every control character (C0, DEL, C1) so a log line cannot move the
/// cursor, set the window title, clear the screen or fake a new output line.
/// ESC becomes `\e`, `\r` becomes `\r`, other controls `\xNN` or `\u{NN}`.
pub fn escape_terminal(s: &str) -> Cow<'_, str> {
    let is_ctrl = |c: char| c.is_control() && c != '\t';
    if !s.chars().any(is_ctrl) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(c),
            '\x1b' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The width tables take when standard output is not a terminal and
/// `COLUMNS` is unset: the same as the wrapped prose and `--help`, so a report
/// saved to a file or read in a job log looks as it did on a terminal.
pub const DEFAULT_WIDTH: u16 = 100;

/// How many columns the terminal on `fd` has: `COLUMNS` when it is set to a
/// number (a person's explicit choice, as in most Unix tools), else what the
/// terminal says; `None` when `fd` is not a terminal.
pub fn terminal_width(fd: impl std::os::fd::AsFd) -> Option<u16> {
    if let Some(n) = columns_env() {
        return Some(n);
    }
    rustix::termios::tcgetwinsize(fd).ok().map(|w| w.ws_col).filter(|&c| c > 0)
}

fn columns_env() -> Option<u16> {
    std::env::var("COLUMNS").ok()?.trim().parse().ok().filter(|&n: &u16| n > 0)
}

/// The width the human output's tables fit: [`terminal_width`] of standard
/// output, or [`DEFAULT_WIDTH`] when it is not a terminal.
pub fn table_width() -> u16 {
    terminal_width(std::io::stdout()).unwrap_or(DEFAULT_WIDTH)
}

/// dindlog's own styles; empty strings when colour is off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub on: bool,
}

impl Style {
    fn code(self, code: &'static str) -> &'static str {
        if self.on {
            code
        } else {
            ""
        }
    }
    pub fn bold(self) -> &'static str {
        self.code("\x1b[1m")
    }
    pub fn red(self) -> &'static str {
        self.code("\x1b[1;31m")
    }
    pub fn yellow(self) -> &'static str {
        self.code("\x1b[1;33m")
    }
    pub fn cyan(self) -> &'static str {
        self.code("\x1b[36m")
    }
    pub fn green(self) -> &'static str {
        self.code("\x1b[32m")
    }
    pub fn dim(self) -> &'static str {
        self.code("\x1b[2m")
    }
    pub fn reset(self) -> &'static str {
        self.code("\x1b[0m")
    }
}

/// `1 finding`, `2 findings`, `3 classes`: a count with its noun, for every
/// printer (the nouns dindlog counts are regular English ones).
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else if ["s", "x", "ch", "sh"].iter().any(|end| word.ends_with(end)) {
        format!("{n} {word}es")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        let cases = [
            ("plain\ttext", "plain\ttext"),
            ("\x1b]0;pwned\x07", "\\e]0;pwned\\x07"),
            ("\x1b[2J\x1b[H", "\\e[2J\\e[H"),
            ("ok\rERROR: forged", "ok\\rERROR: forged"),
            ("back\x08space", "back\\x08space"),
            ("del\x7f", "del\\x7f"),
            ("c1\u{9b}31m", "c1\\u{9b}31m"),
            ("ünïcode ✓", "ünïcode ✓"),
        ];
        for (raw, want) in cases {
            assert_eq!(escape_terminal(raw), want);
        }
    }

    #[test]
    fn plurals_agree_with_their_number() {
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(0, "failed job"), "0 failed jobs");
        assert_eq!(plural(2, "class"), "2 classes");
        assert_eq!(plural(1, "class"), "1 class");
        assert_eq!(plural(3, "problem"), "3 problems");
        assert_eq!(plural(2, "match"), "2 matches");
    }
}
