//! MBTiles (1.3): tiles in SQLite, rows numbered from the south (TMS). Each file is opened
//! once, read-only, and kept; the reads run on blocking threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// An open file and its tiles' media type.
struct Source {
    conn: Mutex<Connection>,
    mime: &'static str,
}

static OPEN: LazyLock<Mutex<HashMap<PathBuf, Arc<Source>>>> = LazyLock::new(Default::default);

fn open(path: &Path) -> Result<Arc<Source>, String> {
    if let Some(s) = OPEN.lock().map_err(|e| e.to_string())?.get(path) {
        return Ok(s.clone());
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let format: Option<String> = conn
        .query_row("SELECT value FROM metadata WHERE name = 'format'", [], |r| r.get(0))
        .optional()
        .map_err(|e| format!("{}: not an MBTiles file ({e})", path.display()))?;
    let mime = match format.as_deref().unwrap_or("png") {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        other => return Err(format!("{}: tiles in {other:?}, not a raster basemap", path.display())),
    };
    let source = Arc::new(Source { conn: Mutex::new(conn), mime });
    OPEN.lock().map_err(|e| e.to_string())?.insert(path.to_owned(), source.clone());
    Ok(source)
}

/// Tile `z/x/y` (XYZ, rows from the north) of the file, with its media type; None if absent.
pub fn read(path: &Path, z: u32, x: u32, y: u32) -> Result<Option<(Vec<u8>, &'static str)>, String> {
    let source = open(path)?;
    let row = (1u32 << z) - 1 - y;
    let conn = source.conn.lock().map_err(|e| e.to_string())?;
    let tile: Option<Vec<u8>> = conn
        .query_row(
            "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            [z, x, row],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    Ok(tile.map(|t| (t, source.mime)))
}
