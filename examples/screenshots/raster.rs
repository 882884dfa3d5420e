//! A ratatui `Buffer` drawn as a PNG, one fixed-size cell per character, with
//! the bundled DejaVu Sans Mono (bold cells in its bold face) and a fixed dark
//! palette. Shared by the screenshots example and the test that checks them.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// Pixels per cell: DejaVu Sans Mono at 15 px advances 9 px and needs about
/// 17.5 px of line height.
pub const CELL_W: u32 = 9;
pub const CELL_H: u32 = 18;
const FONT_PX: f32 = 15.0;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-Bold.ttf");

type Rgb = [u8; 3];

/// The terminal's default colours.
const DEFAULT_FG: Rgb = [0xd4, 0xd7, 0xdc];
const DEFAULT_BG: Rgb = [0x1d, 0x20, 0x26];

/// The 16 ANSI colours of a dark theme, in ANSI order (black … white, then bright).
const ANSI: [Rgb; 16] = [
    [0x1d, 0x20, 0x26],
    [0xe0, 0x6c, 0x75],
    [0x98, 0xc3, 0x79],
    [0xe5, 0xc0, 0x7b],
    [0x61, 0xaf, 0xef],
    [0xc6, 0x78, 0xdd],
    [0x56, 0xb6, 0xc2],
    [0xab, 0xb2, 0xbf],
    [0x6b, 0x72, 0x80],
    [0xff, 0x7b, 0x86],
    [0xb5, 0xe8, 0x90],
    [0xff, 0xd6, 0x8a],
    [0x7c, 0xc4, 0xff],
    [0xdd, 0x93, 0xf0],
    [0x6f, 0xd3, 0xdf],
    [0xf0, 0xf2, 0xf5],
];

fn rgb(color: Color, default: Rgb) -> Rgb {
    let ansi = |i: usize| ANSI[i];
    match color {
        Color::Reset => default,
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(i) => indexed(i),
    }
}

/// xterm's 256 colours: 16 ANSI, a 6×6×6 cube, 24 greys.
fn indexed(i: u8) -> Rgb {
    match i {
        0..16 => ANSI[usize::from(i)],
        16..232 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            let v = i - 16;
            [level(v / 36), level(v / 6 % 6), level(v % 6)]
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            [g, g, g]
        }
    }
}

/// An RGB image of `cols × CELL_W` by `rows × CELL_H` pixels.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Image {
    fn new(width: u32, height: u32) -> Self {
        Image { width, height, pixels: vec![0; (width * height * 3) as usize] }
    }

    fn fill(&mut self, x0: u32, y0: u32, w: u32, h: u32, c: Rgb) {
        for y in y0..(y0 + h).min(self.height) {
            for x in x0..(x0 + w).min(self.width) {
                let i = ((y * self.width + x) * 3) as usize;
                self.pixels[i..i + 3].copy_from_slice(&c);
            }
        }
    }

    /// Blends `c` over the pixel by `alpha` (0..=1).
    fn blend(&mut self, x: i32, y: i32, c: Rgb, alpha: f32) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else { return };
        if x >= self.width || y >= self.height {
            return;
        }
        let i = ((y * self.width + x) * 3) as usize;
        let a = alpha.clamp(0.0, 1.0);
        for (px, new) in self.pixels[i..i + 3].iter_mut().zip(c) {
            let old = f32::from(*px);
            *px = (old + (f32::from(new) - old) * a).round() as u8;
        }
    }

    pub fn encode_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.width, self.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("png header");
        writer.write_image_data(&self.pixels).expect("png data");
        writer.finish().expect("png end");
        out
    }
}

/// The buffer's text, one line per row, trailing blanks cut.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let row: String = (area.left()..area.right()).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

pub fn render(buf: &Buffer) -> Image {
    let regular = FontRef::try_from_slice(REGULAR).expect("bundled regular font");
    let bold = FontRef::try_from_slice(BOLD).expect("bundled bold font");
    let area = buf.area;
    let mut img = Image::new(u32::from(area.width) * CELL_W, u32::from(area.height) * CELL_H);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &buf[(x, y)];
            let mut fg = rgb(cell.fg, DEFAULT_FG);
            let mut bg = rgb(cell.bg, DEFAULT_BG);
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            if cell.modifier.contains(Modifier::DIM) {
                fg = fg.map(|v| (u16::from(v) * 2 / 3) as u8);
            }
            let (px, py) = (u32::from(x - area.left()) * CELL_W, u32::from(y - area.top()) * CELL_H);
            img.fill(px, py, CELL_W, CELL_H, bg);
            let font = if cell.modifier.contains(Modifier::BOLD) { &bold } else { &regular };
            let symbol = cell.symbol();
            if let Some(ch) = symbol.chars().next().filter(|_| symbol != " ")
                && !box_drawing(&mut img, ch, px, py, fg)
            {
                glyph(&mut img, font, &regular, ch, px, py, fg);
            }
            if cell.modifier.contains(Modifier::UNDERLINED) {
                img.fill(px, py + CELL_H - 3, CELL_W, 1, fg);
            }
        }
    }
    img
}

/// Draws one character from `font` (or `fallback` when it lacks the glyph)
/// on the cell's baseline.
fn glyph(img: &mut Image, font: &FontRef, fallback: &FontRef, ch: char, px: u32, py: u32, fg: Rgb) {
    let font = if font.glyph_id(ch).0 == 0 { fallback } else { font };
    let scale = PxScale::from(FONT_PX);
    let scaled = font.as_scaled(scale);
    // Centre the font's line box in the cell.
    let line = scaled.ascent() - scaled.descent();
    let baseline = py as f32 + (CELL_H as f32 - line) / 2.0 + scaled.ascent();
    let id = font.glyph_id(ch);
    // Wider glyphs (symbols from outside the monospace grid) are centred.
    let offset = ((CELL_W as f32 - scaled.h_advance(id)) / 2.0).max(0.0);
    let g = id.with_scale_and_position(scale, point(px as f32 + offset, baseline));
    if let Some(outline) = font.outline_glyph(g) {
        let b = outline.px_bounds();
        outline.draw(|gx, gy, cov| {
            img.blend(b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32, fg, cov);
        });
    }
}

/// Lines and blocks drawn edge to edge so borders join with no gaps between
/// cells (font glyphs do not always reach the cell's edges). False for other
/// characters.
fn box_drawing(img: &mut Image, ch: char, px: u32, py: u32, fg: Rgb) -> bool {
    let (cx, cy) = (px + CELL_W / 2, py + CELL_H / 2);
    // (left, right, up, down) arms from the centre.
    let arms = match ch {
        '─' => (true, true, false, false),
        '│' => (false, false, true, true),
        '┌' => (false, true, false, true),
        '┐' => (true, false, false, true),
        '└' => (false, true, true, false),
        '┘' => (true, false, true, false),
        '├' => (false, true, true, true),
        '┤' => (true, false, true, true),
        '┬' => (true, true, false, true),
        '┴' => (true, true, true, false),
        '┼' => (true, true, true, true),
        '█' => {
            img.fill(px, py, CELL_W, CELL_H, fg);
            return true;
        }
        '░' => {
            for y in (py..py + CELL_H).step_by(2) {
                for x in (px + (y % 4) / 2..px + CELL_W).step_by(2) {
                    img.blend(x as i32, y as i32, fg, 0.6);
                }
            }
            return true;
        }
        _ => return false,
    };
    let (left, right, up, down) = arms;
    if left {
        img.fill(px, cy, cx - px + 1, 1, fg);
    }
    if right {
        img.fill(cx, cy, px + CELL_W - cx, 1, fg);
    }
    if up {
        img.fill(cx, py, 1, cy - py + 1, fg);
    }
    if down {
        img.fill(cx, cy, 1, py + CELL_H - cy, fg);
    }
    true
}
