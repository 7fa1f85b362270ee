//! How the C allocator (glibc's malloc, which Rust uses on Linux) is set for oapstat's pattern of
//! use: large blocks allocated and freed chunk after chunk while extracts are read.
//!
//! Measured on 10 million placements (`bench/`), with glibc's defaults:
//! - each thread that allocates gets an arena of its own, and freed memory stays in the arena of
//!   the thread that allocated it, so Polars' reading threads and oapstat's parsing threads each
//!   kept tens of MiB of free memory: [`one_arena`] puts every thread on one arena (peak memory of
//!   `los` from Parquet 396 -> 291 MiB, from CSV 296 -> 263 MiB, no slower);
//! - blocks of more than 128 KiB to 32 MiB are handed back to the kernel when freed, so each
//!   chunk of a Parquet file that Polars decodes lands in new pages that the kernel must find
//!   and zero (about a third of the CPU time of reading): while a [`ReuseFreed`] is alive, freed
//!   blocks of up to 32 MiB are kept for reuse; once the extracts are checked, the free memory
//!   is handed back ([`hand_back_free`]).
//!
//! Elsewhere than on Linux with glibc both do nothing.

/// Makes every thread allocate from one arena. Call before any thread starts.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; glibc takes its own lock.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// While alive, freed blocks of up to 32 MiB (and up to 64 MiB free at the top of the heap) are
/// kept for reuse instead of being handed back to the kernel; once dropped, the free memory is
/// handed back, and blocks freed later are still kept for reuse.
pub struct ReuseFreed(());

impl ReuseFreed {
    pub fn new() -> ReuseFreed {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: as in `one_arena`.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
        }
        ReuseFreed(())
    }
}

impl Default for ReuseFreed {
    fn default() -> Self {
        ReuseFreed::new()
    }
}

impl Drop for ReuseFreed {
    fn drop(&mut self) {
        hand_back_free();
    }
}

/// Hands the allocator's free memory back to the kernel.
pub fn hand_back_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only hands free memory back to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
