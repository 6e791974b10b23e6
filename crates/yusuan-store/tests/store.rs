//! The same store tests on SQLite and PostgreSQL.

use yusuan_core::{DocKind, Scope};
use yusuan_store::{
    password, testing, DocumentKind, Filter, NewDocument, Role, Status, Store, StoreError,
};

fn doc(content: &str, unit: &str, year: i32, errors: i64) -> NewDocument {
    NewDocument {
        filename: format!("{unit}-{year}.txt"),
        kind: DocumentKind::Disclosure,
        content: content.as_bytes().to_vec(),
        unit: unit.into(),
        year: Some(year),
        region: "chongqing".into(),
        scope: Scope::Department,
        stage: DocKind::Budget,
        errors,
        warnings: 0,
        infos: 1,
        status: if errors > 0 {
            Status::Errors
        } else {
            Status::Passed
        },
        source_text: content.into(),
        document_json: "{}".into(),
        report_json: "{\"findings\":[]}".into(),
        uploaded_by: None,
    }
}

async fn exercise(store: &Store) {
    // Users: hashed passwords, unique names, sessions.
    let hash = password::hash("秘密-123").expect("hash");
    assert!(password::verify("秘密-123", &hash));
    assert!(!password::verify("wrong", &hash));
    assert!(!password::verify("秘密-123", "not a phc string"));
    let units = vec!["重庆市大渡口区人民政府办公室".to_string()];
    let id = store
        .create_user("dept", &hash, Role::Department, &units)
        .await
        .expect("user");
    assert!(matches!(
        store.create_user("dept", &hash, Role::Bureau, &[]).await,
        Err(StoreError::UserExists(_))
    ));
    let (user, phc) = store.user_by_name("dept").await.unwrap().expect("found");
    assert_eq!(
        (user.id, user.role, user.units.clone()),
        (id, Role::Department, units.clone())
    );
    assert_eq!(phc, hash);
    assert!(store.user_by_name("nobody").await.unwrap().is_none());
    let token = store.create_session(id, 3600).await.unwrap();
    assert_eq!(
        store.session_user(&token).await.unwrap().map(|u| u.id),
        Some(id)
    );
    assert!(store.session_user("forged").await.unwrap().is_none());
    let expired = store.create_session(id, -1).await.unwrap();
    assert!(store.session_user(&expired).await.unwrap().is_none());
    store.delete_session(&token).await.unwrap();
    assert!(store.session_user(&token).await.unwrap().is_none());

    // Documents: stored once by content hash, with their reading.
    let mut a = doc("甲 2024", "重庆市大渡口区人民政府办公室", 2024, 0);
    a.uploaded_by = Some(id);
    let (ha, new) = store.put_document(&a).await.unwrap();
    assert!(new);
    assert_eq!(ha, yusuan_store::content_hash(b"\xe7\x94\xb2 2024"));
    let (again, new) = store.put_document(&a).await.unwrap();
    assert_eq!((again.as_str(), new), (ha.as_str(), false));
    store
        .put_document(&doc("甲 2025", "重庆市大渡口区人民政府办公室", 2025, 2))
        .await
        .unwrap();
    let (hc, _) = store
        .put_document(&doc("乙 2025", "万里街道", 2025, 0))
        .await
        .unwrap();
    let stored = store.document(&ha).await.unwrap().expect("stored");
    assert_eq!(stored.summary.year, Some(2024));
    assert_eq!(stored.source_text, "甲 2024");
    assert_eq!(
        store.content(&ha).await.unwrap().as_deref(),
        Some("甲 2024".as_bytes())
    );
    assert!(store
        .document("0".repeat(64).as_str())
        .await
        .unwrap()
        .is_none());

    // Lists: filters, a department's view, the public's view.
    let all = store.list(&Filter::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].unit, "万里街道");
    assert_eq!(all[1].year, Some(2025), "newest year first within a unit");
    let f = Filter {
        year: Some(2025),
        ..Filter::default()
    };
    assert_eq!(store.list(&f).await.unwrap().len(), 2);
    let f = Filter {
        status: Some(Status::Errors.code().into()),
        ..Filter::default()
    };
    assert_eq!(store.list(&f).await.unwrap().len(), 1);
    let f = Filter {
        visible_to: Some((units.clone(), id)),
        ..Filter::default()
    };
    assert_eq!(store.list(&f).await.unwrap().len(), 2);
    let f = Filter {
        visible_to: Some((vec![], id)),
        ..Filter::default()
    };
    assert_eq!(
        store.list(&f).await.unwrap().len(),
        1,
        "only what the user uploaded"
    );
    let public = Filter {
        published_only: true,
        ..Filter::default()
    };
    assert!(store.list(&public).await.unwrap().is_empty());
    assert!(store
        .set_published(&hc, true, Some(id), false)
        .await
        .unwrap());
    assert_eq!(store.list(&public).await.unwrap()[0].hash, hc);
    assert!(!store
        .set_published(&"0".repeat(64), true, Some(id), false)
        .await
        .unwrap());

    assert_eq!(store.verify().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yusuan.sqlite3");
    let store = Store::open(&path.display().to_string())
        .await
        .expect("open");
    exercise(&store).await;
    units_and_publications(&store).await;
    store.close().await;
    // Reopening applies no migration twice and keeps everything.
    let store = Store::open(&path.display().to_string())
        .await
        .expect("reopen");
    assert_eq!(store.list(&Filter::default()).await.unwrap().len(), 10);
}

#[tokio::test]
async fn postgres_store() {
    let Some(url) = testing::fresh_postgres().await else {
        return;
    };
    let store = Store::open(&url).await.expect("open");
    exercise(&store).await;
    units_and_publications(&store).await;
    store.close().await;
    let store = Store::open(&url).await.expect("reopen");
    assert_eq!(store.list(&Filter::default()).await.unwrap().len(), 10);
}

/// The keys of the documents whose content starts with `prefix`.
async fn keys(store: &Store, prefix: &str) -> Vec<String> {
    let mut keys: Vec<String> = store
        .list(&Filter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.filename.starts_with(prefix))
        .map(|d| d.unit_key)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Units are one identity across the names their documents print; the bureau merges what
/// names cannot tell; publishing is recorded. Runs after `exercise` (3 documents stored).
async fn units_and_publications(store: &Store) {
    let hash = password::hash("bureau-pass").expect("hash");
    let bureau = store
        .create_user("bureau", &hash, Role::Bureau, &[])
        .await
        .expect("user");
    let put = |content: &'static str, unit: &'static str, year: i32| {
        let mut d = doc(content, unit, year, 0);
        d.filename = format!("{}-{year}.txt", &content[..3]);
        async move { store.put_document(&d).await.expect("put").0 }
    };
    // The party's office with and without 中共: one unit.
    put("苏 2018", "中共江苏省委办公厅", 2018).await;
    put("苏 2019", "江苏省委办公厅", 2019).await;
    let jiangsu = keys(store, "苏").await;
    assert_eq!(jiangsu, vec!["name:江苏省委办公厅".to_string()]);
    // The government's office is another unit.
    put("府 2019", "江苏省人民政府办公厅", 2019).await;
    assert_ne!(keys(store, "府").await, jiangsu);
    // A document printing its code joins the unit known by its name, and a later document with
    // the code only under another name variant follows it.
    put(
        "渝 2026\n填报单位：103001-重庆市大渡口区人民政府办公室（本级）",
        "重庆市大渡口区人民政府办公室",
        2026,
    )
    .await;
    let cq = keys(store, "重庆市大渡口区人民政府办公室-").await;
    assert_eq!(cq.len(), 1, "{cq:?}");
    assert_eq!(keys(store, "渝").await, cq);
    // Every name finds the unit; a name of no unit finds none.
    for name in [
        "中共江苏省委办公厅",
        "江苏省委办公厅",
        "中国共产党江苏省委员会办公厅",
    ] {
        assert_eq!(
            store.unit_key_of(name).await.unwrap().as_deref(),
            Some("name:江苏省委办公厅")
        );
    }
    assert_eq!(store.unit_key_of("江苏省财政厅").await.unwrap(), None);
    let f = Filter {
        unit: Some("中共江苏省委办公厅".into()),
        ..Filter::default()
    };
    assert_eq!(store.list(&f).await.unwrap().len(), 2);
    // A department registered under one name sees the documents printed under the other.
    let f = Filter {
        visible_to: Some((vec!["江苏省委办公厅".into()], -1)),
        ..Filter::default()
    };
    assert_eq!(store.list(&f).await.unwrap().len(), 2);

    // What names cannot tell, the bureau merges; recorded, and later uploads follow.
    put("街 2024", "普陀区万里街道办事处", 2024).await;
    let (from, into, moved) = store
        .merge_units("普陀区万里街道办事处", "万里街道", Some(bureau))
        .await
        .expect("merge");
    assert_eq!(
        (from.as_str(), into.as_str(), moved),
        ("name:普陀区万里街道办事处", "name:万里街道", 1)
    );
    assert_eq!(keys(store, "街").await, vec![into.clone()]);
    put("街 2025", "普陀区万里街道办事处", 2025).await;
    assert_eq!(keys(store, "街").await, vec![into.clone()]);
    let merges = store.unit_merges().await.unwrap();
    let manual: Vec<_> = merges.iter().filter(|m| m.username.is_some()).collect();
    assert_eq!(manual.len(), 1, "{merges:?}");
    assert_eq!(manual[0].username.as_deref(), Some("bureau"));
    assert_eq!(manual[0].from_key, from);
    assert!(matches!(
        store
            .merge_units("万里街道", "万里街道", Some(bureau))
            .await,
        Err(StoreError::SameUnit)
    ));
    assert!(matches!(
        store
            .merge_units("没有的单位", "万里街道", Some(bureau))
            .await,
        Err(StoreError::NoSuchUnit(_))
    ));

    // Publishing is recorded: who, how many errors, whether they were confirmed.
    let (h, _) = store
        .put_document(&doc("错 2025", "江苏省委办公厅", 2025, 3))
        .await
        .unwrap();
    assert!(store
        .set_published(&h, true, Some(bureau), true)
        .await
        .unwrap());
    assert!(store
        .set_published(&h, false, Some(bureau), false)
        .await
        .unwrap());
    let log = store.publications(&h).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].published, log[0].errors, log[0].confirmed),
        (true, 3, true)
    );
    assert_eq!(log[0].username.as_deref(), Some("bureau"));
    assert!(!log[1].published && !log[1].confirmed);
}

#[test]
fn database_urls() {
    use yusuan_store::{database_url, Backend};
    assert_eq!(
        database_url("data/y.db").unwrap(),
        (Backend::Sqlite, "sqlite://data/y.db?mode=rwc".to_string())
    );
    assert_eq!(
        database_url("sqlite://x.db").unwrap().1,
        "sqlite://x.db?mode=rwc"
    );
    assert_eq!(
        database_url("postgres://h/db").unwrap().0,
        Backend::Postgres
    );
    assert!(database_url("mysql://h/db").is_err());
}

/// A SQLite database in `dir` as an earlier version left it: only these migrations applied.
async fn database_before(
    dir: &std::path::Path,
    migrations: &[&str],
) -> (sqlx::SqlitePool, std::path::PathBuf) {
    let before = dir.join("before");
    std::fs::create_dir(&before).unwrap();
    for m in migrations {
        std::fs::copy(
            format!("{}/migrations/sqlite/{m}", env!("CARGO_MANIFEST_DIR")),
            before.join(m),
        )
        .unwrap();
    }
    let path = dir.join("old.sqlite3");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let migrator = sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap();
    migrator.run(&pool).await.unwrap();
    (pool, path)
}

#[tokio::test]
async fn labels_stored_by_the_first_version_become_codes() {
    let dir = tempfile::tempdir().unwrap();
    // A database made by the first version: its schema only, and a document as it stored one
    // (scope, stage and status as labels).
    let (pool, path) = database_before(dir.path(), &["0001_initial.sql"]).await;
    sqlx::query(
        "INSERT INTO documents (hash, filename, kind, size, content, unit, year, region, scope, \
         stage, errors, warnings, infos, status, source_text, document_json, report_json, \
         uploaded_at) VALUES ('h', 'f.txt', 'disclosure', 1, x'00', '单位A', 2025, \
         'chongqing', '单位', '预算', 1, 0, 0, '有错误', '', '{}', '{\"findings\":[]}', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let store = Store::open(&path.display().to_string())
        .await
        .expect("opening migrates");
    let all = store.list(&Filter::default()).await.unwrap();
    assert_eq!(
        (all[0].scope, all[0].stage, all[0].status),
        (Scope::Unit, DocKind::Budget, Status::Errors)
    );
    let json = serde_json::to_value(&all[0]).unwrap();
    assert_eq!(
        (&json["scope"], &json["stage"], &json["status"]),
        (&"单位".into(), &"预算".into(), &"有错误".into()),
        "the API says labels, as it always did"
    );
}

#[tokio::test]
async fn documents_stored_before_unit_keys_get_them_on_open() {
    let dir = tempfile::tempdir().unwrap();
    // A database as it was before migration 0003: the two name variants stored as two units.
    let (pool, path) =
        database_before(dir.path(), &["0001_initial.sql", "0002_stable_codes.sql"]).await;
    for (hash, unit, text, at) in [
        ("h1", "中共江苏省委办公厅", "", 1),
        ("h2", "江苏省委办公厅", "", 2),
        ("h3", "江苏省人民政府办公厅", "", 3),
        ("h4", "", "", 4),
        (
            "h5",
            "重庆市大渡口区人民政府办公室",
            "填报单位：103001-重庆市大渡口区人民政府办公室（本级）",
            5,
        ),
    ] {
        sqlx::query(
            "INSERT INTO documents (hash, filename, kind, size, content, unit, year, region, \
             scope, stage, errors, warnings, infos, status, source_text, document_json, \
             report_json, uploaded_at) VALUES ($1, 'f.txt', 'disclosure', 1, x'00', $2, 2025, \
             'jiangsu', 'department', 'budget', 0, 0, 0, 'passed', $3, '{}', \
             '{\"findings\":[]}', $4)",
        )
        .bind(hash)
        .bind(unit)
        .bind(text)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let store = Store::open(&path.display().to_string())
        .await
        .expect("opening migrates");
    let key = |h: &'static str| {
        let store = store.clone();
        async move { store.document(h).await.unwrap().expect(h).summary.unit_key }
    };
    assert_eq!(key("h1").await, "name:江苏省委办公厅");
    assert_eq!(key("h2").await, "name:江苏省委办公厅");
    assert_eq!(key("h3").await, "name:江苏省政府办公厅");
    assert_eq!(
        key("h4").await,
        "",
        "a document of no known unit is no unit's"
    );
    assert_eq!(key("h5").await, "code:重庆市大渡口区:103001");
}
