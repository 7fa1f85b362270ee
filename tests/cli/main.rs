//! Integration tests: the real binary on small fixture files, one module per command.

mod benchmark;
mod capacity;
mod examples;
mod excel;
mod fixtures;
mod generate;
mod inputs;
mod install;
mod los;
mod mapping;
mod nhs;
mod parquet_types;
mod published;
mod rates;
mod reinvest;
mod schema;
mod spc;
mod summary;
mod validate;
mod workdir;
