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
    assert!(store.set_published(&hc, true).await.unwrap());
    assert_eq!(store.list(&public).await.unwrap()[0].hash, hc);

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
    store.close().await;
    // Reopening applies no migration twice and keeps everything.
    let store = Store::open(&path.display().to_string())
        .await
        .expect("reopen");
    assert_eq!(store.list(&Filter::default()).await.unwrap().len(), 3);
}

#[tokio::test]
async fn postgres_store() {
    let Some(url) = testing::fresh_postgres().await else {
        return;
    };
    let store = Store::open(&url).await.expect("open");
    exercise(&store).await;
    store.close().await;
    let store = Store::open(&url).await.expect("reopen");
    assert_eq!(store.list(&Filter::default()).await.unwrap().len(), 3);
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

#[tokio::test]
async fn labels_stored_by_the_first_version_become_codes() {
    let dir = tempfile::tempdir().unwrap();
    // A database made by the first version: its schema only, and a document as it stored one
    // (scope, stage and status as labels).
    let first = dir.path().join("first");
    std::fs::create_dir(&first).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/sqlite/0001_initial.sql"
        ),
        first.join("0001_initial.sql"),
    )
    .unwrap();
    let path = dir.path().join("old.sqlite3");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let migrator = sqlx::migrate::Migrator::new(first.as_path()).await.unwrap();
    migrator.run(&pool).await.unwrap();
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
