//! Text encodings other than UTF-8 that a policy file may be in: UTF-16 (what Windows
//! PowerShell 5's `>` and `Out-File` write) and UTF-32, told by their byte-order mark, and
//! BOM-less UTF-16 when the text is clearly JSON (ASCII between NUL bytes). Such a file is
//! decoded and checked, with positions in the decoded text, and reported (CMK007, an error):
//! IAM, the AWS CLI's `file://` and Terraform's `file()` read UTF-8.

/// A text encoding cmek-lint decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// What [`sniff`] found: the encoding, and whether the text starts with a byte-order mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Sniffed {
    pub encoding: Encoding,
    pub bom: bool,
}

impl Sniffed {
    /// `UTF-16 LE (byte-order mark FF FE)`, `UTF-16 LE without a byte-order mark`.
    pub fn describe(self) -> String {
        let (name, mark) = match self.encoding {
            Encoding::Utf16Le => ("UTF-16 LE", "FF FE"),
            Encoding::Utf16Be => ("UTF-16 BE", "FE FF"),
            Encoding::Utf32Le => ("UTF-32 LE", "FF FE 00 00"),
            Encoding::Utf32Be => ("UTF-32 BE", "00 00 FE FF"),
        };
        if self.bom { format!("{name} (byte-order mark {mark})") } else { format!("{name} without a byte-order mark") }
    }

    /// The `iconv` name of the encoding (with a BOM, iconv reads the byte order from it).
    pub fn iconv(self) -> &'static str {
        match (self.encoding, self.bom) {
            (Encoding::Utf16Le | Encoding::Utf16Be, true) => "UTF-16",
            (Encoding::Utf32Le | Encoding::Utf32Be, true) => "UTF-32",
            (Encoding::Utf16Le, false) => "UTF-16LE",
            (Encoding::Utf16Be, false) => "UTF-16BE",
            (Encoding::Utf32Le, false) => "UTF-32LE",
            (Encoding::Utf32Be, false) => "UTF-32BE",
        }
    }
}

/// The encoding of `bytes` when it is UTF-16 or UTF-32 (never for UTF-8 text, with or without
/// its BOM).
pub(super) fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    let bom = |encoding| Some(Sniffed { encoding, bom: true });
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return bom(Encoding::Utf32Le),
        [0, 0, 0xFE, 0xFF, ..] => return bom(Encoding::Utf32Be),
        [0xFF, 0xFE, ..] => return bom(Encoding::Utf16Le),
        [0xFE, 0xFF, ..] => return bom(Encoding::Utf16Be),
        _ => {}
    }
    // BOM-less UTF-16: most of the first characters (up to 64) are ASCII, each next to a NUL
    // byte, and the first one that is not white space opens JSON (`{` or `[`).
    let head = &bytes[..bytes.len().min(128) & !1];
    if head.len() < 4 {
        return None;
    }
    for (encoding, low) in [(Encoding::Utf16Le, 0), (Encoding::Utf16Be, 1)] {
        let ascii = head.chunks_exact(2).filter(|u| u[1 - low] == 0 && u[low] != 0 && u[low].is_ascii()).count();
        let ascii = ascii * 4 >= head.len() / 2 * 3;
        let first = head.chunks_exact(2).map(|u| u[low]).find(|b| !b.is_ascii_whitespace());
        if ascii && matches!(first, Some(b'{' | b'[')) {
            return Some(Sniffed { encoding, bom: false });
        }
    }
    None
}

/// The text of `bytes` in `encoding`, without its byte-order mark. Ill-formed sequences (a lone
/// surrogate, a trailing odd byte) become U+FFFD, which the rules then see.
pub(super) fn decode(bytes: &[u8], sniffed: Sniffed) -> String {
    let body = if sniffed.bom {
        let mark = match sniffed.encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
            Encoding::Utf32Le | Encoding::Utf32Be => 4,
        };
        &bytes[mark..]
    } else {
        bytes
    };
    match sniffed.encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let le = sniffed.encoding == Encoding::Utf16Le;
            let units = body.chunks(2).map(|u| match u {
                [a, b] if le => u16::from_le_bytes([*a, *b]),
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xDC00, // an odd byte at the end: a lone surrogate, decoded as U+FFFD
            });
            char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
        }
        Encoding::Utf32Le | Encoding::Utf32Be => body
            .chunks(4)
            .map(|u| {
                let n = match u {
                    [a, b, c, d] if sniffed.encoding == Encoding::Utf32Le => u32::from_le_bytes([*a, *b, *c, *d]),
                    [a, b, c, d] => u32::from_be_bytes([*a, *b, *c, *d]),
                    _ => 0xFFFD,
                };
                char::from_u32(n).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for u in (if bom { "\u{feff}" } else { "" }).encode_utf16().chain(text.encode_utf16()) {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn utf16_and_utf32_are_told_and_decoded() {
        let text = "{\"Statement\": [\"é😀\"]}\r\n";
        for (le, encoding) in [(true, Encoding::Utf16Le), (false, Encoding::Utf16Be)] {
            for bom in [true, false] {
                let bytes = utf16(text, le, bom);
                let sniffed = sniff(&bytes).unwrap();
                assert_eq!(sniffed, Sniffed { encoding, bom });
                assert_eq!(decode(&bytes, sniffed), text);
            }
        }
        let mut bytes = vec![0xFF, 0xFE, 0, 0];
        bytes.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        let sniffed = sniff(&bytes).unwrap();
        assert_eq!(sniffed.encoding, Encoding::Utf32Le);
        assert_eq!(decode(&bytes, sniffed), text);
    }

    #[test]
    fn utf8_and_other_text_are_not_sniffed() {
        assert_eq!(sniff(b"{\"Statement\": []}"), None);
        assert_eq!(sniff("\u{feff}{}".as_bytes()), None);
        assert_eq!(sniff(b"a\0b\0c\0"), None, "not JSON");
        assert_eq!(sniff(b"{\0"), None, "too short");
        assert_eq!(decode(&[0xFF, 0xFE, b'{', 0, b'}'], sniff(&[0xFF, 0xFE, b'{', 0]).unwrap()), "{\u{fffd}");
    }
}
