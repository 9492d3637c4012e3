//! The key beside a matrix: each point's mark (its number, or its code) and its full name in the
//! chart's language, wrapped to the key's width, so that an exported SVG or PNG reads on its own.
//! The survey matrix and the double materiality matrix both draw theirs with it.

use super::{labels, FONT};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The key's width beside the plot, and the size of its text.
pub const KEY_WIDTH: u32 = 400;
const KEY_PX: f64 = 12.0;
const KEY_LINE: i32 = 16;
/// Room kept under the key's last line.
const KEY_BOTTOM: i32 = 24;

/// A key's lines: each entry's mark on its first line, its text wrapped after it.
pub struct Key {
    lines: Vec<(Option<String>, String)>,
    /// Where the text starts, after the widest mark.
    indent: i32,
    /// Where the first line starts (the title sits above it).
    top: i32,
}

impl Key {
    /// The key of `entries` (mark, text), its first line at `top`.
    pub fn new(entries: impl IntoIterator<Item = (String, String)>, top: i32) -> Key {
        let entries: Vec<(String, String)> = entries.into_iter().collect();
        let widest = entries
            .iter()
            .map(|(mark, _)| labels::text_size(mark, KEY_PX).0)
            .fold(0.0, f64::max);
        let indent = 8 + widest.ceil() as i32 + 10;
        let width = f64::from(KEY_WIDTH) - f64::from(indent) - 16.0;
        let lines = entries
            .iter()
            .flat_map(|(mark, text)| {
                wrap(text, width, KEY_PX)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, line)| ((i == 0).then(|| mark.clone()), line))
            })
            .collect();
        Key { lines, indent, top }
    }

    /// The height the drawing needs for the key to fit.
    pub fn height(&self) -> u32 {
        (self.top + KEY_BOTTOM + KEY_LINE * self.lines.len() as i32).max(0) as u32
    }

    /// The key's lines, as drawn (for tests).
    pub fn lines(&self) -> &[(Option<String>, String)] {
        &self.lines
    }

    /// Draws the title above the first line, then every line, on `side`.
    pub fn draw<'b>(
        &self,
        side: &DrawingArea<SVGBackend<'b>, Shift>,
        title: &str,
    ) -> Result<(), DrawingAreaErrorKind<<SVGBackend<'b> as DrawingBackend>::ErrorType>> {
        side.draw(&Text::new(
            title.to_string(),
            (8, self.top - 24),
            (FONT, 15).into_font(),
        ))?;
        for (i, (mark, line)) in self.lines.iter().enumerate() {
            let y = self.top + KEY_LINE * i as i32;
            if let Some(mark) = mark {
                side.draw(&Text::new(mark.clone(), (8, y), (FONT, KEY_PX).into_font()))?;
            }
            side.draw(&Text::new(
                line.clone(),
                (self.indent, y),
                (FONT, KEY_PX).into_font(),
            ))?;
        }
        Ok(())
    }
}

/// Splits `text` into lines of at most `max_px` at `font_px` (by [`labels::text_size`]): at a space
/// where the line has one, else between characters (Chinese has no spaces).
pub fn wrap(text: &str, max_px: f64, font_px: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        line.push(c);
        if labels::text_size(&line, font_px).0 <= max_px {
            continue;
        }
        let cut = match line.trim_end().rfind(' ') {
            Some(at) if at > 0 => at,
            _ => line.len() - c.len_utf8(),
        };
        let rest = line.split_off(cut);
        lines.push(line.trim_end().to_string());
        line = rest.trim_start().to_string();
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_wrap_at_a_space_or_between_characters() {
        let lines = wrap("Matter with a long name that wraps", 100.0, 12.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| labels::text_size(l, 12.0).0 <= 100.0));
        assert_eq!(lines.join(" "), "Matter with a long name that wraps");
        let zh = wrap("生态系统和生物多样性保护与可持续利用", 60.0, 12.0);
        assert!(zh.len() > 1 && zh.iter().all(|l| labels::text_size(l, 12.0).0 <= 60.0));
        assert_eq!(zh.concat(), "生态系统和生物多样性保护与可持续利用");
    }
}
