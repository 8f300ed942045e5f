//! 编号: archive numbers (档案号) and photo numbers (照片编号) from the configured schemes
//! (`onemap_intake::Scheme`). One counter per rendered prefix in `number_sequences`, its row
//! lock serialising concurrent allocations; a number already taken (written by hand, or by an
//! older scheme) is skipped.

use onemap_intake::{Scheme, Values};
use sqlx::PgConnection;

use crate::base::ApiError;

/// What is numbered.
#[derive(Debug, Clone, Copy)]
pub enum Numbered {
    Archive,
    PhotoRecord,
}

/// The next value of counter `key` (row-locked until the transaction ends).
pub async fn next(conn: &mut PgConnection, key: &str) -> Result<i64, ApiError> {
    Ok(sqlx::query_scalar(include_str!("sql/next_number.sql")).bind(key).fetch_one(conn).await?)
}

/// The next free number of `scheme` for `values`, allocated in the caller's transaction.
pub async fn allocate(
    conn: &mut PgConnection,
    what: Numbered,
    scheme: &Scheme,
    values: &Values<'_>,
) -> Result<String, ApiError> {
    let key = scheme.key(values).map_err(|e| ApiError::internal(format!("numbering scheme: {e}")))?;
    let taken = match what {
        Numbered::Archive => "SELECT EXISTS (SELECT 1 FROM archive_documents WHERE archive_no = $1)",
        Numbered::PhotoRecord => "SELECT EXISTS (SELECT 1 FROM photos WHERE photo_no = $1)",
    };
    for _ in 0..10_000 {
        let seq = next(conn, &key).await?;
        let number =
            scheme.render(values, seq as u64).map_err(|e| ApiError::internal(format!("numbering scheme: {e}")))?;
        if !sqlx::query_scalar::<_, bool>(taken).bind(&number).fetch_one(&mut *conn).await? {
            return Ok(number);
        }
    }
    Err(ApiError::internal(format!("no free number under {key} after 10,000 tries")))
}
