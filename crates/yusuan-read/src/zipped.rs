//! Zip packages (xlsx, ods, docx): the guard every reader of one runs before it inflates a part.

/// The most a package may unpack to (its parts' declared sizes together).
pub const MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// The most a part may expand by; real workbooks and documents compress XML about 10 to 1.
pub const MAX_RATIO: u64 = 1000;

/// Refuse a zip whose parts would unpack to more than [`MAX_UNPACKED`] or expand more than
/// [`MAX_RATIO`] times (a zip bomb), before anything is inflated. `what` names the package in
/// messages: 工作簿, Word 文档.
pub(crate) fn check_zip(bytes: &[u8], what: &str) -> Result<(), String> {
    let invalid = format!("{what}不是有效的压缩包");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| crate::reason_detail(&invalid, e))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| crate::reason_detail(&invalid, e))?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if size / packed > MAX_RATIO && size > 1024 * 1024 {
            return Err(format!(
                "压缩包内的部件膨胀 {} 倍（上限 {MAX_RATIO} 倍），疑似压缩炸弹",
                size / packed
            ));
        }
    }
    if total > MAX_UNPACKED {
        return Err(format!(
            "解压后共 {} MB，超过上限 {} MB，疑似压缩炸弹",
            total / (1024 * 1024),
            MAX_UNPACKED / (1024 * 1024)
        ));
    }
    Ok(())
}

/// A part of the package, inflated to at most `limit` bytes; `None` when the package has no
/// such part. Call [`check_zip`] first.
pub(crate) fn part(
    bytes: &[u8],
    name: &str,
    what: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| crate::reason_detail(&format!("{what}不是有效的压缩包"), e))?;
    let Ok(mut part) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut part, limit), &mut out)
        .map_err(|e| crate::reason_detail(&format!("无法解压{what}"), e))?;
    Ok(Some(out))
}
