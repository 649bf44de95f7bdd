//! Survey links as text and as QR codes (SVG for print, PNG for anything else).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::domain::survey_link::ChannelTag;
use crate::i18n::Locale;

/// The address a customer's phone opens: `{base}/s/{code}/{key}?lang=..&ch=..`. `base` has no
/// trailing slash. Store codes and keys are checked URL-safe where they are made; they are
/// percent-encoded here anyway.
pub fn survey_url(
    base: &str,
    store_code: &str,
    key: &str,
    lang: Option<Locale>,
    tag: Option<ChannelTag>,
) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut url = format!(
        "{}/s/{}/{}",
        base.trim_end_matches('/'),
        enc(store_code),
        enc(key)
    );
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(l) = lang {
        query.append_pair("lang", l.code());
    }
    if let Some(t) = tag {
        query.append_pair("ch", t.as_str());
    }
    let query = query.finish();
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    url
}

/// Medium error correction: survives a scuffed or partly covered print.
fn code(url: &str) -> Result<QrCode, qrcode::types::QrError> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
}

/// A scalable SVG (viewBox, no fixed size) with the standard quiet zone.
pub fn svg(url: &str) -> Result<String, qrcode::types::QrError> {
    Ok(code(url)?
        .render::<svg::Color>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .build())
}

/// A greyscale PNG, `scale` pixels per module, with a four-module quiet zone.
pub fn png(url: &str, scale: u32) -> Result<Vec<u8>, String> {
    let code = code(url).map_err(|e| e.to_string())?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, c) in colors.iter().enumerate() {
        if *c != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..scale {
            let row = ((my + quiet) * scale + dy) * side;
            let start = (row + (mx + quiet) * scale) as usize;
            pixels[start..start + scale as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_carries_language_and_placement_only_when_chosen() {
        assert_eq!(
            survey_url("https://q.example/", "SH-001", "a1b2c3d4e5f6", None, None),
            "https://q.example/s/SH-001/a1b2c3d4e5f6"
        );
        assert_eq!(
            survey_url(
                "https://q.example",
                "SH-001",
                "k",
                Some(Locale::ZhCn),
                Some(ChannelTag::Receipt)
            ),
            "https://q.example/s/SH-001/k?lang=zh-CN&ch=receipt"
        );
    }

    #[test]
    fn the_png_is_a_square_greyscale_image_with_a_quiet_zone() {
        let bytes = png("https://q.example/s/SH-001/k", 4).expect("encodes");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("valid png");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("frame");
        assert_eq!(info.width, info.height);
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        // The top-left corner is quiet zone (white); the finder pattern starts 4 modules in.
        assert_eq!(buf[0], 255);
        let at = |x: u32, y: u32| buf[(y * info.width + x) as usize];
        assert_eq!(at(4 * 4, 4 * 4), 0);
    }

    #[test]
    fn a_reader_gets_the_survey_link_back_from_the_png() {
        let url = survey_url(
            "https://survey.example.com",
            "SH-001",
            "a1b2c3d4e5f6",
            Some(Locale::Ru),
            Some(ChannelTag::Table),
        );
        let bytes = png(&url, 3).expect("encodes");
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("valid png");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("frame");
        let (w, h) = (info.width as usize, info.height as usize);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().expect("decodes");
        assert_eq!(content, url);
    }

    #[test]
    fn the_svg_scales_to_its_container() {
        let svg = svg("https://q.example/s/SH-001/k").expect("encodes");
        assert!(svg.contains("<svg"));
        assert!(svg.contains("viewBox") || svg.contains("width"));
    }
}
