//! Integration tests: the real binary on small fixture files, one module per command.

mod benchmark;
mod capacity;
mod counts;
mod data_folder;
mod examples;
mod excel;
mod faults;
mod fixtures;
mod generate;
mod inputs;
mod install;
mod los;
mod mapping;
mod mutation;
mod nhs;
mod options;
mod parquet_types;
mod published;
mod rates;
mod reinvest;
mod schema;
mod spc;
mod summary;
mod unplaced;
mod validate;
mod workdir;
