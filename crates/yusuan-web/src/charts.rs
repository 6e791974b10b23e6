//! Bar charts as inline SVG: one group of bars per line, one bar per year. No script, prints
//! as it shows.

use crate::compare::{wan, Line};
use maud::{html, Markup};

const COLORS: [&str; 6] = [
    "#9db4d0", "#2f5d8c", "#c0504d", "#8064a2", "#4bacc6", "#f79646",
];

/// A grouped bar chart of `lines`, one bar per series ("2024年", or 预算 / 决算), amounts in 万元.
pub fn bars(title: &str, series: &[String], lines: &[Line]) -> Markup {
    let max = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, top, height) = (10.0, 28.0, 160.0);
    let bar_w = 18.0;
    let group_w = (bar_w * series.len().max(1) as f64 + 24.0).max(84.0);
    let width = left * 2.0 + group_w * lines.len().max(1) as f64;
    let total_h = top + height + 46.0 + 18.0;
    html! {
        svg class="chart" role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg"
            width=(format!("{width:.0}")) height=(format!("{total_h:.0}"))
            viewBox=(format!("0 0 {width:.0} {total_h:.0}")) {
            title { (title) }
            text x=(left) y="16" class="chart-title" { (title) "（万元）" }
            line x1=(left) y1=(top + height) x2=(width - left) y2=(top + height) stroke="#666" {}
            @for (g, line) in lines.iter().enumerate() {
                @let gx = left + group_w * g as f64 + 12.0;
                @for (i, v) in line.values.iter().enumerate() {
                    @if let Some(v) = v {
                        @let h = (*v).max(0) as f64 / max as f64 * height;
                        @let x = gx + bar_w * i as f64;
                        rect x=(format!("{x:.1}")) y=(format!("{:.1}", top + height - h))
                            width=(bar_w - 3.0) height=(format!("{h:.1}"))
                            fill=(COLORS[i % COLORS.len()]) {
                            title { (series.get(i).map_or("", String::as_str)) "：" (wan(*v)) "万元" }
                        }
                    }
                }
                text x=(format!("{:.1}", gx + bar_w * series.len() as f64 / 2.0)) y=(top + height + 16.0)
                    text-anchor="middle" class="chart-label" {
                    (short(&line.label))
                }
            }
            @for (i, y) in series.iter().enumerate() {
                rect x=(format!("{:.0}", left + 70.0 * i as f64)) y=(total_h - 14.0) width="10"
                    height="10" fill=(COLORS[i % COLORS.len()]) {}
                text x=(format!("{:.0}", left + 14.0 + 70.0 * i as f64)) y=(total_h - 5.0)
                    class="chart-label" { (y) }
            }
        }
    }
}

/// A label short enough to sit under its bars.
fn short(label: &str) -> String {
    let label = label.split_once(' ').map_or(label, |(_, name)| name);
    let mut s: String = label.chars().take(5).collect();
    if label.chars().count() > 5 {
        s.push('…');
    }
    s
}
