//! Why something failed, in the words a user reads (Simplified Chinese): the system's and the
//! libraries' own messages are English, so each front end says the reason through these.

/// An I/O error as a reason: "文件不存在", "没有权限" …; an unusual kind keeps the system's
/// words in brackets.
pub fn io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let plain = match e.kind() {
        NotFound => "文件或目录不存在",
        PermissionDenied => "没有权限",
        AlreadyExists => "已存在",
        IsADirectory => "是目录，不是文件",
        NotADirectory => "路径中有一部分不是目录",
        InvalidData => "内容无效",
        UnexpectedEof => "文件不完整（意外结束）",
        OutOfMemory => "内存不足",
        StorageFull => "磁盘已满",
        ReadOnlyFilesystem => "文件系统只读",
        TimedOut => "超时",
        Interrupted => "被中断",
        FileTooLarge => "文件过大",
        _ => return format!("系统错误（{e}）"),
    };
    plain.to_string()
}

/// A library's own (English) message, kept for whoever reports the problem, after our words.
pub fn detail(what: &str, library: impl std::fmt::Display) -> String {
    format!("{what}（解析器信息：{library}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_chinese() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(io(&e), "文件或目录不存在");
        assert_eq!(
            detail("文件结构损坏", "Invalid cross-reference table"),
            "文件结构损坏（解析器信息：Invalid cross-reference table）"
        );
    }
}
