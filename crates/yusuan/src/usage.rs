//! Command-line mistakes told in Chinese: clap finds them, this says them the way the rest of
//! the tool speaks, with the usage line clap knows and a pointer to `--help`. Help and version
//! requests pass through unchanged.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// What went wrong, in Chinese, from the error's kind and its context (the argument, the value,
/// what would have been accepted).
pub fn message(e: &clap::Error) -> String {
    let get = |k: ContextKind| -> Vec<String> {
        match e.get(k) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
            Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
            Some(ContextValue::Number(n)) => vec![n.to_string()],
            _ => Vec::new(),
        }
    };
    let one = |k: ContextKind| get(k).into_iter().next().unwrap_or_default();
    let list = |k: ContextKind| get(k).join("、");
    let suggestion = |k: ContextKind| {
        let s = list(k);
        if s.is_empty() {
            String::new()
        } else {
            format!("（是否想用 {s}？）")
        }
    };
    let head = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "没有“{}”这个子命令{}",
            one(ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::UnknownArgument => format!(
            "无法识别的参数“{}”{}",
            one(ContextKind::InvalidArg),
            suggestion(ContextKind::SuggestedArg)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", list(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "请指定一个子命令".to_string(),
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            let value = one(ContextKind::InvalidValue);
            let arg = one(ContextKind::InvalidArg);
            if value.is_empty() {
                format!("参数 {arg} 需要一个值")
            } else if valid.is_empty() {
                format!("参数 {arg} 的值“{value}”无效")
            } else {
                format!("参数 {arg} 的值“{value}”无效，可选：{valid}")
            }
        }
        ErrorKind::ValueValidation => format!(
            "参数 {} 的值“{}”无效{}",
            one(ContextKind::InvalidArg),
            one(ContextKind::InvalidValue),
            // Only a number that did not parse says what it should be.
            if std::error::Error::source(e).is_some_and(|s| {
                s.is::<std::num::ParseIntError>() || s.is::<std::num::ParseFloatError>()
            }) {
                "（应为一个数）"
            } else {
                ""
            }
        ),
        ErrorKind::ArgumentConflict => format!(
            "参数 {} 不能与 {} 同时使用",
            one(ContextKind::InvalidArg),
            list(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {} 的值个数不对", one(ContextKind::InvalidArg))
        }
        ErrorKind::NoEquals => format!("参数 {} 的值要用“=”连接", one(ContextKind::InvalidArg)),
        ErrorKind::InvalidUtf8 => "命令行参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    let usage = one(ContextKind::Usage);
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .unwrap_or(usage.trim())
        .trim();
    let mut out = format!("错误：{head}\n");
    if !usage.is_empty() {
        out.push_str(&format!("\n用法：{usage}\n"));
    }
    // The help of the subcommand the usage line is of, else the tool's.
    let mut words = usage.split_whitespace();
    let command = match (words.next(), words.next()) {
        (Some(bin), Some(sub)) if !sub.starts_with(['[', '<', '-']) => format!("{bin} {sub}"),
        _ => "yusuan".to_string(),
    };
    out.push_str(&format!("\n运行 `{command} --help` 查看说明与示例。\n"));
    out
}

/// Whether clap's "error" is a request to print help or the version, or a bare `yusuan` that
/// shows the help: said as clap says it.
pub fn is_request(e: &clap::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}
