//! The zip itself: entries in the given (sorted) order, fixed timestamps and
//! normalised modes, so the same files always give the same bytes. Small files
//! are compressed in batches on every core (zip's `ZipFileBuilder`), then
//! appended in order; a large file is streamed on this thread, so memory stays
//! bounded by one batch whatever the workspace's size.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use color_eyre::eyre::{Result, WrapErr, bail};
use sha2::{Digest, Sha256};
use zip::write::{SimpleFileOptions, ZipFileBuilder};
use zip::{CompressionMethod, DateTime, PreparedZipFile, ZipWriter};

use super::select::FileEntry;

/// Files above this are streamed rather than compressed into memory.
const LARGE_FILE: u64 = 8 << 20;
/// A batch ends after this many input bytes or files: the memory bound.
const BATCH_BYTES: u64 = 32 << 20;
const BATCH_FILES: usize = 512;

pub struct Written {
    pub total_bytes: u64,
    pub zip_bytes: u64,
}

/// Writes `files` as a zip into `out` (an empty file).
pub fn write_zip(files: &[FileEntry], out: &mut File) -> Result<Written> {
    let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, &mut *out));
    let mut start = 0;
    while start < files.len() {
        if files[start].size > LARGE_FILE {
            stream_entry(&mut zip, &files[start])?;
            start += 1;
            continue;
        }
        let end = batch_end(files, start);
        for prepared in compress_batch(&files[start..end])? {
            zip.add_prepared_file(prepared).wrap_err("writing the zip")?;
        }
        start = end;
    }
    let mut buffered = zip.finish().wrap_err("finishing the zip")?;
    buffered.flush().wrap_err("writing the zip")?;
    drop(buffered);
    let zip_bytes = out.metadata().wrap_err("reading the zip's size")?.len();
    Ok(Written { total_bytes: files.iter().map(|f| f.size).sum(), zip_bytes })
}

/// Same options for every entry; only the executable bit survives from the mode.
fn entry_options(entry: &FileEntry) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(if entry.executable { 0o755 } else { 0o644 })
        .large_file(entry.size >= zip::ZIP64_BYTES_THR)
}

fn batch_end(files: &[FileEntry], start: usize) -> usize {
    let mut bytes = 0;
    let mut end = start;
    while end < files.len() && end - start < BATCH_FILES && bytes < BATCH_BYTES && files[end].size <= LARGE_FILE {
        bytes += files[end].size;
        end += 1;
    }
    end
}

/// Compresses a batch on all cores; results come back in the batch's order.
fn compress_batch(batch: &[FileEntry]) -> Result<Vec<PreparedZipFile>> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, batch.len().max(1));
    let mut done: Vec<(usize, Result<PreparedZipFile>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(entry) = batch.get(i) else { break };
                        mine.push((i, prepare(entry)));
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    if done.len() != batch.len() {
        bail!("a compression thread stopped unexpectedly");
    }
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn prepare(entry: &FileEntry) -> Result<PreparedZipFile> {
    let mut builder = ZipFileBuilder::new(&entry.name, entry_options(entry)).wrap_err("starting a zip entry")?;
    let mut file = File::open(&entry.path).wrap_err_with(|| format!("cannot read {}", entry.name))?;
    std::io::copy(&mut file, &mut builder).wrap_err_with(|| format!("cannot read {}", entry.name))?;
    builder.finish().wrap_err_with(|| format!("compressing {}", entry.name))
}

fn stream_entry<W: Write + std::io::Seek>(zip: &mut ZipWriter<W>, entry: &FileEntry) -> Result<()> {
    let mut file = File::open(&entry.path).wrap_err_with(|| format!("cannot read {}", entry.name))?;
    zip.start_file(entry.name.as_str(), entry_options(entry)).wrap_err("writing the zip")?;
    std::io::copy(&mut file, zip).wrap_err_with(|| format!("cannot read {}", entry.name))?;
    Ok(())
}

/// Lowercase hex SHA-256 of a file, read in 1 MiB chunks.
pub fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).wrap_err_with(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).wrap_err_with(|| format!("reading {}", path.display()))?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}
