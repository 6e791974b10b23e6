//! `yusuan serve` and `yusuan user`: the web workspace and its accounts. The work is in
//! yusuan-web and yusuan-store; this is argument handling and a runtime.

use clap::{Args, Subcommand, ValueEnum};
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use yusuan_store::{password, Role, Store};

#[derive(Args)]
pub struct Database {
    /// Where everything is kept: a SQLite file (created on first start, default
    /// ./yusuan.sqlite3) or a PostgreSQL URL (postgres://user@host/db).
    #[arg(long, default_value = "yusuan.sqlite3", value_name = "FILE|URL")]
    pub database: String,
}

#[derive(Args)]
pub struct Serve {
    #[command(flatten)]
    pub db: Database,
    /// Address to listen on (port 0 picks a free port and prints it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Largest upload, in MB.
    #[arg(long, default_value_t = 64, value_name = "MB")]
    pub max_upload: usize,
    /// Send cookies without the Secure attribute (only for plain http on a host other than
    /// localhost; browsers accept Secure cookies on http://localhost and 127.0.0.1).
    #[arg(long)]
    pub insecure_cookies: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// 财政局: every unit, may mark documents published.
    Bureau,
    /// 部门: its own units (--unit).
    Department,
    /// 公众: published documents only.
    Public,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from the first line of stdin (or $YUSUAN_PASSWORD).
    Add {
        username: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A unit this department user works for, as its documents print it (repeatable).
        #[arg(long = "unit")]
        units: Vec<String>,
        #[command(flatten)]
        db: Database,
    },
    /// List users.
    List {
        #[command(flatten)]
        db: Database,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动运行时：{e}"))
}

pub fn serve(args: Serve) -> Result<(), String> {
    runtime()?.block_on(async {
        let store = Store::open(&args.db.database)
            .await
            .map_err(|e| format!("无法打开数据库 {}：{e}", args.db.database))?;
        if store.users().await.map_err(|e| e.to_string())?.is_empty() {
            eprintln!("提示：尚无用户。添加财政局账号：yusuan user add 用户名 --role bureau --database {}", args.db.database);
        }
        let config = yusuan_web::Config {
            max_upload: args.max_upload << 20,
            secure_cookies: !args.insecure_cookies,
            ..yusuan_web::Config::default()
        };
        yusuan_web::serve(store, config, args.listen, |addr| {
            println!("yusuan 服务已启动：http://{addr}/");
            let _ = std::io::stdout().flush();
        })
        .await
        .map_err(|e| format!("无法在 {} 上提供服务：{}", args.listen, yusuan_core::reason::io(&e)))
    })
}

pub fn user(cmd: UserCommand) -> Result<(), String> {
    runtime()?.block_on(async {
        match cmd {
            UserCommand::Add {
                username,
                role,
                units,
                db,
            } => {
                let password = match std::env::var("YUSUAN_PASSWORD") {
                    Ok(p) => p,
                    Err(_) => {
                        let mut line = String::new();
                        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                            format!("无法读取密码：{}", yusuan_core::reason::io(&e))
                        })?;
                        line.trim_end_matches(['\r', '\n']).to_string()
                    }
                };
                if password.chars().count() < 8 {
                    return Err(
                        "密码至少 8 个字符（从标准输入第一行或 YUSUAN_PASSWORD 读取）".into(),
                    );
                }
                let role = match role {
                    RoleArg::Bureau => Role::Bureau,
                    RoleArg::Department => Role::Department,
                    RoleArg::Public => Role::Public,
                };
                let store = Store::open(&db.database).await.map_err(|e| e.to_string())?;
                let hash = password::hash(&password).map_err(|e| e.to_string())?;
                store
                    .create_user(&username, &hash, role, &units)
                    .await
                    .map_err(|e| e.to_string())?;
                eprintln!("已添加用户 {username}（{}）", role.label());
                Ok(())
            }
            UserCommand::List { db } => {
                let store = Store::open(&db.database).await.map_err(|e| e.to_string())?;
                for u in store.users().await.map_err(|e| e.to_string())? {
                    println!("{}\t{}\t{}", u.username, u.role.label(), u.units.join("、"));
                }
                Ok(())
            }
        }
    })
}
