//! The bytes of the demo workspace's attachments, made on demand (so that the demo needs
//! no files): a small PNG image and a one-page PDF.

/// The demo upload ids: `demo-png-N` and `demo-pdf-N`.
pub fn blob(id: &str) -> Option<Vec<u8>> {
    let rest = id.strip_prefix("demo-")?;
    if rest.starts_with("png-") {
        Some(png())
    } else if rest.starts_with("pdf-") {
        Some(pdf())
    } else {
        None
    }
}

/// The demo id for an attachment of `content_type`.
pub fn id_for(content_type: &str, n: usize) -> String {
    let kind = if content_type == "image/png" {
        "png"
    } else {
        "pdf"
    };
    format!("demo-{kind}-{n}")
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A 32×32 gradient, stored uncompressed (zlib "stored" blocks).
fn png() -> Vec<u8> {
    const W: u32 = 32;
    const H: u32 = 32;
    let mut raw = Vec::new();
    for y in 0..H {
        raw.push(0); // no filter
        for x in 0..W {
            raw.extend_from_slice(&[(x * 8) as u8, (y * 8) as u8, 160]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let mut blocks = raw.chunks(65_535).peekable();
    while let Some(b) = blocks.next() {
        z.push(u8::from(blocks.peek().is_none()));
        let len = b.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(b);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + byte as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&W.to_be_bytes());
    ihdr.extend_from_slice(&H.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A one-page PDF with a cross-reference table.
fn pdf() -> Vec<u8> {
    let content = "BT /F1 20 Tf 72 720 Td (Security audit 2026: no critical findings) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_blobs_have_their_formats_signatures() {
        let png = super::blob("demo-png-0").unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
        assert!(super::blob("demo-pdf-1").unwrap().starts_with(b"%PDF-"));
        assert!(super::blob("other").is_none());
    }
}
