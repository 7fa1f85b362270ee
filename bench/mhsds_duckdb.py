#!/usr/bin/env python3
"""NHS England's OAP measures (OAP01-OAP11, OAP01a-OAP11a at M, Q and Y) from MHSDS tables, in
DuckDB SQL translated statement by statement from NHS England's pipeline, and compared with every
value of `oapstat nhs --mhsds`, the demographic breakdowns included where MHS001MPI is given.

Usage: mhsds_duckdb.py OAPSTAT MHSDS_DIR FROM_MONTH TO_MONTH [--out FILE] [--no-compare]
                       [--oapstat-csv FILE] [--breakdowns-only]
  MHSDS_DIR holds MHS000Header*, MHS101Referral*, MHS501HospProvSpell*, MHS502WardStay*
  (.csv or .parquet, monthly files concatenated), providers.csv and collaboratives.csv, as
  `oapstat generate --mhsds` writes them, and optionally MHS001MPI* with imd.csv (lsoa,
  imd_decile) and populations.csv (collaborative, dimension, group, age_band, population).
  --out writes the measures in the nhs-csv layout; --breakdowns-only compares only the
  demographic breakdowns. Exit 1 on any difference with oapstat (the differing rows are listed),
  and when MHS001MPI is given but oapstat gives none (or not all) of the demographic breakdowns;
  2 when oapstat fails. The values compared are counted per breakdown family.

Source (NHSDigital/mental-health-monthly-statistics, September 2025 publication, folder
Mental_Health_Monthly_Statistics/menh_bbrb/notebooks): 02_Specific_Prepare/08_oaps/oaps_prep.py
builds the tables months, oaps_hospprovspell, oaps_wardstay, oaps_referrals,
overlapping_oaps_referrals, oaps_month / oaps_quarter / oaps_year and oaps_all_admissions_month /
_quarter / _year for one end month; measure_metadata.py filters and aggregates them
(produce_filter_agg_df, produce_filter_oaps_bed_days_agg_df, produce_crude_rate_agg_df in
mhsds_functions.py). Each CREATE below names the statement it translates. Left out, because the
measures compared do not read them: the organisation and bed type names, the ONS populations,
the residence geographies (CCG, STP, region), autism and learning disability status
(MHS005PatInd), MHS105OnwardReferral and MHS401MHActPeriod (selected, never filtered on).

Levels: England, Sending Provider (OrgIDReferringOrg, 'UNKNOWN' when empty), Receiving Provider
(OrgIDProv) as the pipeline's breakdowns, and Collaborative (oapstat's: an OAP's sending
provider's collaborative through providers.csv). The pipeline gives OAP05-OAP11 at England only;
so does this script, plus OAP05-OAP11 per collaborative. Populations: collaboratives.csv (England:
their sum), where NHS England uses ONS estimates. A period starting before the first month
submitted has no values (oapstat's rule for a period the data does not cover). A rate or proportion is computed where its
numerator count is above zero, as produce_crude_rate_agg_df does (it joins from the numerator's
rows, and a count of zero has no row); a count of zero is 0.

Demographic breakdowns (breakdown_metadata.py's age_band_oaps_bd, gender_bd, lower_eth_bd,
upper_eth_bd, imd_decile_bd, crossed with the levels): "England; Age Band" (etc.: Gender,
Ethnicity, Upper Ethnicity, IMD Decile; the group's code and name as primary level), all 22
measures at M, Q and Y, every group of the reference table (UNKNOWN included, zeros where none);
"Collaborative; Age Band" (etc.; the group as secondary level), all 22 at M, Q and Y;
"Sending Provider; Age Band" and "Receiving Provider; Age Band" (etc.), OAP01-OAP04 and
OAP01a-OAP04a at Y only, as measure_metadata.py lists them. A count is COUNT(DISTINCT ...) per
group, so a referral or spell whose rows fall in two groups counts once in each. Rates by group:
the group's population in populations.csv (its age_band `all` row, else the sum of its ESP 2013
bands, as oapstat reads the file; England's from its `England` rows);
no row, no rate. Proportions over the same group's spells (oaps_all_admissions_*). IMD deciles
through imd.csv, standing for the pipeline's IMD 2019 reference; without imd.csv no IMD Decile
breakdown is expected. What the pipeline does with MHS001MPI that a reader would not expect
(line numbers of oaps_prep.py):
- oaps_month and oaps_all_admissions_month (L391-398, L978-985) take the end month's master
  record (PatMRecInRP = 'true', latest version by RecordStartDate/RecordEndDate) joined on
  Person_ID alone, not on the provider (the code's own "WT question #1"): the person's master
  record, whichever provider sent it. OAP03 at Q and Y is read from oaps_month (measure_metadata),
  so its group is the end month's too.
- oaps_quarter and oaps_year (L605-608, L816-819) join on Person_ID and the referral row's own
  UniqMonthID (reading 12 months of MPI even for the quarter), so a referral submitted in several
  months is in the group of each month: an age band changing within the quarter counts the
  referral in both bands. These two joins have no RecordStartDate/RecordEndDate filter: every
  version of a month's master record joins, a superseded one too (its group counts).
- oaps_all_admissions_quarter and _year (L1083-1090, L1189-1196) join the master records of every
  month of the window on Person_ID alone: a spell is in every group its person had in any month
  of the window, months before the spell included, while the OAP numerators group month by
  month; so the same referral can be in a numerator's group whose denominator lacks its spell
  (the proportion is then empty). Read literally this join also repeats each spell row once per
  month with a master record, multiplying BEDDAYSQ/BEDDAYSY; this script (as oapstat) sums the
  monthly values instead, and its printed "literal" England denominators leave that out.
- A referral or spell without a master record in the month(s) joined is UNKNOWN in every
  dimension (the coalesce of L292-299 and the like); so is a code the reference table lacks.
- The reference tables are current by the run's end month, not the row's (L463-473 and the
  like, '$end_month_id' >= FirstMonth): ethnicity T, U and V (LastMonth 1390) are UNKNOWN in every
  run after January 2016 (month 1390). Upper Ethnicity follows the lower code (Z "Not Stated", 99 "Not Known").
- Gender (L466-470): GenderIDCode 1-4 wins; otherwise Gender 1, 2 or 9; anything else UNKNOWN.
- Age (L463-464): age_band_desc holds ages 0-124 (mapage: "65 or over" is 65-124); any other
  AgeRepPeriodEnd, or none, is UNKNOWN.
- IMD (L456-461): LSOA2011 through the IMD 2019 deciles; an LSOA not found is UNKNOWN.
- The SELECT DISTINCT of oaps_month/_quarter/_year carries mpi.AgeRepPeriodEnd (L294, L508,
  L719): two master records of one month in the same band with different ages would double that
  row's bed days read literally; this script counts a row once per group.

Bed days at Q and Y (OAP02, OAP02a, OAP09, OAP09a and their denominators): read literally, the
quarterly and yearly tables join every monthly row of an OAP referral with every monthly row of
its hospital spell and ward stays, and sum a spell's bed days once per distinct combination. oapstat
sums the window's monthly values instead (each month's value as that month's run computes it;
by group, each month's value in that month's group); this script computes both (England), compares
oapstat with the summed reading, and prints how far the literal reading is from it.
"""
import argparse
import csv
import glob
import io
import math
import os
import subprocess
import sys
from datetime import date

import duckdb

TABLES = ["MHS000Header", "MHS101Referral", "MHS501HospProvSpell", "MHS502WardStay"]
COLUMNS = {
    "MHS000Header": ["UniqMonthID", "ReportingPeriodStartDate", "ReportingPeriodEndDate"],
    "MHS101Referral": ["UniqMonthID", "OrgIDProv", "Person_ID", "UniqServReqID",
                       "ReferralRequestReceivedDate", "ServDischDate", "ReasonOAT",
                       "OrgIDReferringOrg", "RecordStartDate", "RecordEndDate"],
    "MHS501HospProvSpell": ["UniqMonthID", "OrgIDProv", "Person_ID", "UniqServReqID",
                            "UniqHospProvSpellID", "StartDateHospProvSpell",
                            "DischDateHospProvSpell", "RecordStartDate", "RecordEndDate"],
    "MHS502WardStay": ["UniqMonthID", "OrgIDProv", "Person_ID", "UniqHospProvSpellID",
                       "UniqWardStayID", "StartDateWardStay", "EndDateWardStay",
                       "MHAdmittedPatientClass", "WardType", "RecordStartDate", "RecordEndDate"],
    "MHS001MPI": ["UniqMonthID", "OrgIDProv", "Person_ID", "PatMRecInRP", "AgeRepPeriodEnd", "Gender",
                  "GenderIDCode", "NHSDEthnicity", "LSOA2011", "RecordStartDate", "RecordEndDate"],
}
DATES = {"ReportingPeriodStartDate", "ReportingPeriodEndDate", "ReferralRequestReceivedDate",
         "ServDischDate", "RecordStartDate", "RecordEndDate", "StartDateHospProvSpell",
         "DischDateHospProvSpell", "StartDateWardStay", "EndDateWardStay"}

NAMES = {
    1: "Number of Inappropriate new OAPs started in the period",
    2: "Number of Inappropriate OAPs bed days in the period",
    3: "Number of Inappropriate OAPs active at the end of the period",
    4: "Number of Inappropriate OAPs ended in the period",
    5: "Rate of Inappropriate new OAPs started in the period per 1,000,000 of the population",
    6: "Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population",
    7: "Rate of Inappropriate OAPs ended in the period per 1,000,000 of the population",
    8: "Proportion of Inappropriate new OAPs started in the period",
    9: "Proportion of Inappropriate OAPs bed days in the period",
    10: "Proportion of Inappropriate OAPs active at the end of the period",
    11: "Proportion of Inappropriate OAPs ended in the period",
}
NAMES_A = {
    1: "Number of Inappropriate new OAPs in Adult Acute beds started in the period",
    2: "Number of Inappropriate OAPs bed days in Adult Acute beds in the period",
    3: "Number of Inappropriate OAPs in Adult Acute beds active at the end of the period",
    4: "Number of Inappropriate OAPs in Adult Acute beds ended in the period",
    5: "Rate of Inappropriate new OAPs in Adult Acute beds started in the period per 1,000,000 of the population",
    6: "Rate of Inappropriate OAPs in Adult Acute beds active at the end of the period per 1,000,000 of the population",
    7: "Rate of Inappropriate OAPs in Adult Acute beds ended in the period per 1,000,000 of the population",
    8: "Proportion of Inappropriate new OAPs in Adult Acute beds started in the period",
    9: "Proportion of Inappropriate OAPs bed days in Adult Acute beds in the period",
    10: "Proportion of Inappropriate OAPs in Adult Acute beds active at the end of the period",
    11: "Proportion of Inappropriate OAPs in Adult Acute beds ended in the period",
}


# oaps_wardstay_prep's CASE: the bed type codes used before April 2024 and the new ones.
OLD_TO_NEW = {10: 200, 11: 201, 12: 202, 13: 203, 14: 204, 15: 205, 17: 212, 19: 206, 20: 207,
              21: 208, 22: 209, 23: 300, 24: 301, 25: 302, 26: 302, 27: 303, 28: 304, 29: 305,
              30: 310, 31: 306, 32: 307, 33: 308, 34: 309, 35: 212, 36: 212, 37: 213, 38: 212,
              39: 211, 40: 210}
OLD_TO_NEW_SQL = "MAP {" + ", ".join(f"'{k}': '{v}'" for k, v in OLD_TO_NEW.items()) + "}"


def month_id(d):
    """UniqMonthID: months since April 1900, plus 1 (April 2024 = 1489)."""
    return (d.year - 1900) * 12 + d.month - 4 + 1


def month_start(mid):
    k = mid - 1 + 3
    return date(1900 + k // 12, k % 12 + 1, 1)


def month_end(mid):
    n = month_start(mid + 1)
    return date.fromordinal(n.toordinal() - 1)


def table_files(directory, table):
    return [f for f in sorted(glob.glob(os.path.join(directory, "*")))
            if os.path.basename(f).lower().startswith(table.lower())
            and f.lower().endswith((".csv", ".parquet"))]


def source(con, directory, table):
    """A view over every file of the table (any case of the column names), only the columns used."""
    files = table_files(directory, table)
    if not files:
        sys.exit(f"{directory}: no {table}*.csv or *.parquet")
    parquet = [f for f in files if f.lower().endswith(".parquet")]
    texts = [f for f in files if f.lower().endswith(".csv")]
    parts = []
    if parquet:
        parts.append(f"SELECT * FROM read_parquet({parquet!r}, union_by_name=true)")
    if texts:
        parts.append(f"SELECT * FROM read_csv({texts!r}, header=true, all_varchar=true, union_by_name=true)")
    raw = " UNION ALL BY NAME ".join(parts)
    have = {r[0].lower(): r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    cols = []
    for c in COLUMNS[table]:
        if c.lower() not in have:
            cols.append(f"NULL AS {c}")
            continue
        expr = f'"{have[c.lower()]}"'
        if c in DATES:
            cols.append(f"TRY_CAST(NULLIF(CAST({expr} AS VARCHAR), '') AS DATE) AS {c}")
        elif c == "UniqMonthID":
            cols.append(f"CAST({expr} AS BIGINT) AS {c}")
        else:
            cols.append(f"NULLIF(CAST({expr} AS VARCHAR), '') AS {c}")
    return f"SELECT {', '.join(cols)} FROM ({raw})"


HS_BED_DAYS = """
-- hosp_spell_bed_days_rp(end_date, end_rp, start_date, start_rp): Spark's datediff(end, start)
date_diff('day',
  CASE WHEN {s} < {srp} AND ({e} IS NULL OR {e} > {srp}) THEN {srp}
       WHEN {s} >= {srp} AND ({e} IS NULL OR {e} > {s}) THEN {s}
       WHEN {e} IS NULL OR {e} > {erp} THEN {erp}
       ELSE {e} END,
  CASE WHEN {e} IS NULL OR {e} > {erp} THEN {erp} + 1 ELSE {e} END)
"""

WS_BED_DAYS = """
-- ward_stay_bed_days_rp(wardstayid, end_date, end_rp, start_date, start_rp)
date_diff('day',
  CASE WHEN {s} < {srp} AND ({e} IS NULL OR {e} > {srp}) THEN {srp}
       WHEN {s} >= {srp} AND ({e} IS NULL OR {e} > {s}) THEN {s}
       WHEN {e} IS NULL OR {e} > {erp} THEN {erp}
       ELSE {e} END,
  CASE WHEN {id} IS NULL THEN {erp}
       WHEN {e} IS NULL OR {e} > {erp} THEN {erp} + 1 ELSE {e} END)
"""


def hs_days(e, s, srp, erp):
    return HS_BED_DAYS.format(e=e, s=s, srp=srp, erp=erp)


def ws_days(i, e, s, srp, erp):
    return WS_BED_DAYS.format(id=i, e=e, s=s, srp=srp, erp=erp)


# The eight counts of measure_metadata.py (filter_clause and aggregate_field of OAP01-OAP04 and
# OAP01a-OAP04a) on oaps_month / oaps_quarter / oaps_year, and of ADDSTART, BEDDAYS, ADDACTIVE
# and DISCH (and their Adult Acute twins) on oaps_all_admissions_*.
OAP_NAMES = ["c1", "a1", "c2", "a2", "c3", "a3", "c4", "a4"]
OAP_COUNTS = """
  count(DISTINCT UniqServReqID) FILTER (WHERE ReasonOAT = '10' AND Received_In_RP = 1) AS c1,
  count(DISTINCT UniqServReqID) FILTER (WHERE ReasonOAT = '10' AND Received_In_RP = 1 AND StartAcute_Bed = 'Y') AS a1,
  sum({bd}) FILTER (WHERE ReasonOAT = '10' AND Submitted_In_RP = 1 AND RANK = 1) AS c2,
  sum({bd}) FILTER (WHERE ReasonOAT = '10' AND Submitted_In_RP = 1 AND RANK = 1 AND Acute_Bed = 'Y') AS a2,
  count(DISTINCT UniqServReqID) FILTER (WHERE ReasonOAT = '10' AND Active_End = 1) AS c3,
  count(DISTINCT UniqServReqID) FILTER (WHERE ReasonOAT = '10' AND Active_End = 1 AND ActiveAcute_Bed = 'Y') AS a3,
  count(DISTINCT UniqServReqID) FILTER (WHERE ReasonOAT = '10' AND Ended_In_RP = 1 AND Submitted_In_RP = 1) AS c4,
  count(DISTINCT UniqServReqID) FILTER (WHERE ReasonOAT = '10' AND Ended_In_RP = 1 AND Submitted_In_RP = 1 AND EndAcute_Bed = 'Y') AS a4"""
ADMISSION_NAMES = ["d1", "da1", "d2", "da2", "d3", "da3", "d4", "da4"]
ADMISSION_COUNTS = """
  count(DISTINCT UniqHospProvSpellID) FILTER (WHERE Received_In_RP = 1),
  count(DISTINCT UniqHospProvSpellID) FILTER (WHERE Received_In_RP = 1 AND Acute_Bed = 'Y'),
  sum(bed_days) FILTER (WHERE Submitted_In_RP = 1 AND RANK = 1),
  sum(bed_days) FILTER (WHERE Submitted_In_RP = 1 AND RANK = 1 AND Acute_Bed = 'Y'),
  count(DISTINCT UniqHospProvSpellID) FILTER (WHERE Active_End = 1),
  count(DISTINCT UniqHospProvSpellID) FILTER (WHERE Active_End = 1 AND Acute_Bed = 'Y'),
  count(DISTINCT UniqHospProvSpellID) FILTER (WHERE Ended_In_RP = 1 AND Submitted_In_RP = 1),
  count(DISTINCT UniqHospProvSpellID) FILTER (WHERE Ended_In_RP = 1 AND Submitted_In_RP = 1 AND Acute_Bed = 'Y')"""

# The pipeline's reference tables for MHS001MPI (schemas/00_create_common_objects/
# 01_create_common_tables.py), each row (code, name, FirstMonth, LastMonth): gender_desc,
# age_band_desc (Age_Group_OAPs: mapage() gives each band its ages, "65 or over" 65 to 124; the
# table holds ages 0 to 124), ethnicity_desc (with UpperEthnicity) and imd_desc.
GENDERS = [("1", "Male"), ("2", "Female"), ("3", "Non-binary"), ("4", "Other (not listed)"),
           ("9", "Indeterminate"), ("UNKNOWN", "UNKNOWN")]
AGE_BANDS = [("0 to 17", 0, 17), ("18 to 24", 18, 24), ("25 to 29", 25, 29), ("30 to 34", 30, 34),
             ("35 to 39", 35, 39), ("40 to 44", 40, 44), ("45 to 49", 45, 49), ("50 to 54", 50, 54),
             ("55 to 59", 55, 59), ("60 to 64", 60, 64), ("65 or over", 65, 124)]
ETHNICITIES = [  # LowerEthnicityCode, LowerEthnicityName, UpperEthnicity, FirstMonth, LastMonth
    ("A", "British", "White or White British", 1390, None),
    ("B", "Irish", "White or White British", 1390, None),
    ("C", "Any Other White background", "White or White British", 1390, None),
    ("D", "White and Black Caribbean", "Mixed", 1390, None),
    ("E", "White and Black African", "Mixed", 1390, None),
    ("F", "White and Asian", "Mixed", 1390, None),
    ("G", "Any Other mixed background", "Mixed", 1390, None),
    ("H", "Indian", "Asian or Asian British", 1390, None),
    ("J", "Pakistani", "Asian or Asian British", 1390, None),
    ("K", "Bangladeshi", "Asian or Asian British", 1390, None),
    ("L", "Any Other Asian background", "Asian or Asian British", 1390, None),
    ("M", "Caribbean", "Black or Black British", 1390, None),
    ("N", "African", "Black or Black British", 1390, None),
    ("P", "Any Other Black background", "Black or Black British", 1390, None),
    ("R", "Chinese", "Other Ethnic Groups", 1390, None),
    ("S", "Any Other Ethnic Group", "Other Ethnic Groups", 1390, None),
    ("T", "Gypsy or Irish Traveller", "White or White British", 1390, 1390),
    ("U", "Roma", "White or White British", 1390, 1390),
    ("V", "Arab", "Asian or Asian British", 1390, 1390),
    ("Z", "Not Stated", "Not Stated", 1390, None),
    ("99", "Not Known", "Not Known", 1390, None),
    ("UNKNOWN", "UNKNOWN", "UNKNOWN", 1390, None),
]
IMD_DECILES = [("1", "01 Most deprived"), ("2", "02 More deprived"), ("3", "03 More deprived"),
               ("4", "04 More deprived"), ("5", "05 More deprived"), ("6", "06 Less deprived"),
               ("7", "07 Less deprived"), ("8", "08 Less deprived"), ("9", "09 Less deprived"),
               ("10", "10 Least deprived"), ("UNKNOWN", "UNKNOWN")]

# The demographic breakdowns compared: the name after "England; " (etc.), populations.csv's
# dimension, and the columns of oaps_month (etc.) that give the level's code and description
# (breakdown_metadata.py: age_band_oaps_bd, gender_bd, lower_eth_bd, upper_eth_bd, imd_decile_bd).
DIMENSIONS = [
    ("Age Band", "age_band", "Age_Band", "Age_Band"),
    ("Gender", "gender", "Der_Gender", "Der_Gender_Desc"),
    ("Ethnicity", "ethnicity", "LowerEthnicityCode", "LowerEthnicityName"),
    ("Upper Ethnicity", "upper_ethnicity", "UpperEthnicity", "UpperEthnicity"),
    ("IMD Decile", "imd_decile", "IMD_Decile", "IMD_Decile"),
]
GROUP_FAMILIES = ["England", "Collaborative", "Sending Provider", "Receiving Provider"]
GROUP_BREAKDOWNS = [f"{family}; {dim}" for family in GROUP_FAMILIES for dim, *_ in DIMENSIONS]


def group_list(dim, end):
    """The levels of a dimension as the pipeline lists them for a run ending in month `end`:
    [(code, description)], the reference table's rows current at `end`."""
    if dim == "Age Band":
        return [(band, band) for band, _, _ in AGE_BANDS] + [("UNKNOWN", "UNKNOWN")]
    if dim == "Gender":
        return list(GENDERS)
    current = [e for e in ETHNICITIES if e[3] <= end and (e[4] is None or end <= e[4])]
    if dim == "Ethnicity":
        return [(code, name) for code, name, *_ in current]
    if dim == "Upper Ethnicity":
        return list(dict.fromkeys((upper, upper) for _, _, upper, *_ in current))
    return [(label, label) for _, label in IMD_DECILES]


def reference_tables(con, imd_csv):
    """The lookups oaps_prep.py joins MHS001MPI to, as DuckDB tables; imd_ref stands for
    english_indices_of_dep_v02 at IMD_YEAR 2019 (LSOA_CODE_2011, DECI_IMD), read from imd.csv."""
    def values(rows):
        return ", ".join("(" + ", ".join("NULL" if v is None else repr(v) for v in r) + ")" for r in rows)
    ages = [(a, band) for band, lo, hi in AGE_BANDS for a in range(lo, hi + 1)]
    con.execute(f"""
    CREATE OR REPLACE TABLE gender_desc AS SELECT * FROM (VALUES {values([g + (1390, None) for g in GENDERS])})
      t(Der_Gender, Der_Gender_Desc, FirstMonth, LastMonth);
    CREATE OR REPLACE TABLE age_band_desc AS SELECT * FROM (VALUES {values([a + (1390, None) for a in ages])})
      t(AgeRepPeriodEnd, Age_Group_OAPs, FirstMonth, LastMonth);
    CREATE OR REPLACE TABLE ethnicity_desc AS SELECT * FROM (VALUES {values(ETHNICITIES)})
      t(LowerEthnicityCode, LowerEthnicityName, UpperEthnicity, FirstMonth, LastMonth);
    CREATE OR REPLACE TABLE imd_desc AS SELECT * FROM (VALUES {values([d + (1390, None) for d in IMD_DECILES])})
      t(IMD_Number, IMD_Decile, FirstMonth, LastMonth);
    """)
    if imd_csv:
        con.execute(f"""CREATE OR REPLACE TABLE imd_ref AS
          SELECT lsoa AS LSOA_CODE_2011, CAST(TRY_CAST(imd_decile AS INTEGER) AS VARCHAR) AS DECI_IMD
          FROM read_csv('{imd_csv}', header=true, all_varchar=true)""")
    else:
        con.execute("CREATE OR REPLACE TABLE imd_ref (LSOA_CODE_2011 VARCHAR, DECI_IMD VARCHAR)")


def groups_sql(keys, key_columns, where, on, end):
    """Each row of `keys` with its person's groups: `keys` LEFT JOIN the MHS001MPI rows selected by
    `where` ON `on`, then the lookups current in the run's end month, as oaps_prep.py writes them
    (an MPI row missing or a code not found: 'UNKNOWN'), in long form (key columns, dimension,
    code, name), distinct: a row whose person has master records in two groups is in both."""
    def current(t):
        return f"{end} >= {t}.FirstMonth AND ({t}.LastMonth IS NULL OR {end} <= {t}.LastMonth)"
    k = ", ".join(f"k.{c}" for c in key_columns)
    wide = f"""
      SELECT {k},
             coalesce(gen.Der_Gender, 'UNKNOWN') AS Der_Gender,
             coalesce(gen.Der_Gender_Desc, 'UNKNOWN') AS Der_Gender_Desc,
             coalesce(ab.Age_Group_OAPs, 'UNKNOWN') AS Age_Band,
             coalesce(eth.LowerEthnicityCode, 'UNKNOWN') AS LowerEthnicityCode,
             coalesce(eth.LowerEthnicityName, 'UNKNOWN') AS LowerEthnicityName,
             coalesce(eth.UpperEthnicity, 'UNKNOWN') AS UpperEthnicity,
             coalesce(imd.IMD_Decile, 'UNKNOWN') AS IMD_Decile
      FROM ({keys}) k
      LEFT JOIN (SELECT * FROM mpi WHERE {where}) mpi ON {on}
      LEFT JOIN imd_ref ON mpi.LSOA2011 = imd_ref.LSOA_CODE_2011
      LEFT JOIN imd_desc imd ON imd_ref.DECI_IMD = imd.IMD_Number AND {current('imd')}
      LEFT JOIN age_band_desc ab ON TRY_CAST(mpi.AgeRepPeriodEnd AS BIGINT) = ab.AgeRepPeriodEnd AND {current('ab')}
      LEFT JOIN gender_desc gen
        ON CASE WHEN mpi.GenderIDCode IN ('1', '2', '3', '4') THEN mpi.GenderIDCode
                WHEN mpi.Gender IN ('1', '2', '9') THEN mpi.Gender
                ELSE 'UNKNOWN' END = gen.Der_Gender
       AND {current('gen')}
      LEFT JOIN ethnicity_desc eth ON mpi.NHSDEthnicity = eth.LowerEthnicityCode AND {current('eth')}"""
    cols = ", ".join(key_columns)
    parts = [f"SELECT {cols}, '{dim}' AS dimension, {code} AS code, {name} AS name FROM wide"
             for dim, _, code, name in DIMENSIONS]
    return f"WITH wide AS ({wide}) SELECT DISTINCT * FROM ({' UNION ALL '.join(parts)})"


def run(con, end, mpi=False, group_periods=("M", "Q", "Y")):
    """The pipeline's run for the end month `end` (a UniqMonthID): its tables, then per level the
    counts of measure_metadata.py at M, Q and Y, and with `mpi` per demographic group too (at the
    periods `group_periods`).
    Returns {((breakdown, primary level, secondary level), period, count key): value}."""
    rp_end = f"DATE '{month_end(end)}'"
    starts = {"M": f"DATE '{month_start(end)}'", "Q": f"DATE '{month_start(end - 2)}'",
              "Y": f"DATE '{month_start(end - 11)}'"}
    first = {"M": end, "Q": end - 2, "Y": end - 11}
    version = f"(a.RecordEndDate IS NULL OR a.RecordEndDate >= {rp_end}) AND a.RecordStartDate < {rp_end}"
    mpi_version = f"(RecordEndDate IS NULL OR RecordEndDate >= {rp_end}) AND RecordStartDate < {rp_end}"
    con.execute(f"""
    -- INSERT OVERWRITE TABLE $db_output.months
    CREATE OR REPLACE TEMP TABLE months AS
      SELECT DISTINCT UniqMonthID, ReportingPeriodStartDate, ReportingPeriodEndDate
      FROM header WHERE UniqMonthID BETWEEN {end} - 11 AND {end};
    -- INSERT OVERWRITE TABLE $db_output.oaps_hospprovspell
    CREATE OR REPLACE TEMP TABLE oaps_hospprovspell AS
      SELECT a.UniqServReqID, a.Person_ID, a.UniqMonthID, a.OrgIDProv, a.UniqHospProvSpellID,
             b.ReportingPeriodStartDate, b.ReportingPeriodEndDate,
             a.StartDateHospProvSpell, a.DischDateHospProvSpell
      FROM spells a JOIN months b
        ON a.UniqMonthID = b.UniqMonthID
       AND a.StartDateHospProvSpell <= b.ReportingPeriodEndDate
       AND (a.DischDateHospProvSpell IS NULL OR a.DischDateHospProvSpell >= b.ReportingPeriodStartDate)
       AND {version};
    -- oaps_wardstay_prep, then INSERT OVERWRITE TABLE $db_output.oaps_wardstay: the codes used
    -- before April 2024 mapped to the new ones when the end month is after March 2024 (the bed
    -- type's name, from the reference table hosp_bed_desc, is a function of the code), Acute_Bed
    -- from the row's own month and its code as submitted
    CREATE OR REPLACE TEMP TABLE oaps_wardstay AS
      SELECT a.UniqWardStayID, a.WardType, a.Person_ID, a.UniqMonthID, a.UniqHospProvSpellID,
             a.OrgIDProv, b.ReportingPeriodStartDate, b.ReportingPeriodEndDate,
             a.StartDateWardStay, a.EndDateWardStay,
             CASE WHEN {end} > 1488 THEN coalesce({OLD_TO_NEW_SQL}[a.MHAdmittedPatientClass], a.MHAdmittedPatientClass)
                  ELSE a.MHAdmittedPatientClass END AS MHAdmittedPatientClass,
             CASE WHEN a.UniqMonthID > 1488 AND a.MHAdmittedPatientClass IN ('200','201','202') THEN 'Y'
                  WHEN a.UniqMonthID <= 1488 AND a.MHAdmittedPatientClass IN ('10','11','12') THEN 'Y'
                  ELSE 'N' END AS Acute_Bed
      FROM wards a JOIN months b
        ON a.UniqMonthID = b.UniqMonthID
       AND a.StartDateWardStay <= b.ReportingPeriodEndDate
       AND (a.EndDateWardStay IS NULL OR a.EndDateWardStay >= b.ReportingPeriodStartDate)
       AND {version};
    -- INSERT OVERWRITE TABLE $db_output.oaps_referrals
    CREATE OR REPLACE TEMP TABLE oaps_referrals AS
      SELECT a.UniqServReqID, a.ReferralRequestReceivedDate, a.Person_ID, a.ServDischDate,
             a.UniqMonthID, a.ReasonOAT, a.OrgIDProv, a.OrgIDReferringOrg
      FROM referrals a
      WHERE a.UniqMonthID BETWEEN {end} - 11 AND {end} AND {version} AND a.ReasonOAT = '10';
    -- INSERT OVERWRITE TABLE $db_output.overlapping_oaps_referrals
    CREATE OR REPLACE TEMP TABLE overlapping_oaps_referrals AS
      SELECT a.UniqServReqID, a.ReferralRequestReceivedDate, a.Person_ID, a.ServDischDate,
             a.UniqMonthID, a.ReasonOAT, a.OrgIDProv, a.OrgIDReferringOrg AS OrgIDReferring,
             CASE WHEN b.NewDate IS NULL THEN a.ServDischDate ELSE b.NewDate END AS NewServDischDate
      FROM oaps_referrals a
      LEFT JOIN (SELECT FirstId, max(LateDate) AS NewDate
                 FROM (SELECT a.UniqServReqID AS FirstId, b.UniqServReqID AS LaterId,
                              b.ReferralRequestReceivedDate AS LateDate
                       FROM oaps_referrals a JOIN oaps_referrals b ON a.Person_ID = b.Person_ID
                       WHERE a.UniqServReqID != b.UniqServReqID
                         AND a.ReferralRequestReceivedDate < b.ReferralRequestReceivedDate
                         AND (b.ReferralRequestReceivedDate < a.ServDischDate OR a.ServDischDate IS NULL))
                 GROUP BY FirstId) b
        ON a.UniqServReqID = b.FirstId;
    """)
    out = {}
    for period in ("M", "Q", "Y"):
        lo, sw = first[period], starts[period]
        hs_col = "StartDateHospProvSpell" if period == "M" else "ReferralRequestReceivedDate"

        def ws_join(alias, extra=""):
            return f"""LEFT JOIN oaps_wardstay {alias}
              ON oaps.Person_ID = {alias}.Person_ID
             AND hs.UniqHospProvSpellID = {alias}.UniqHospProvSpellID
             AND oaps.OrgIDProv = {alias}.OrgIDProv
             AND {alias}.UniqMonthID BETWEEN {lo} AND {end} {extra}"""

        def bed(alias, what):
            return (f"CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 'No Hospital Spell' "
                    f"WHEN {alias}.UniqHospProvSpellID IS NOT NULL THEN {alias}.{what} ELSE 'UNKNOWN' END")

        # INSERT OVERWRITE TABLE $db_output.oaps_month / oaps_quarter / oaps_year: SELECT DISTINCT
        # over the columns that can differ between the joined rows (the others are functions of
        # these: names of codes, the person's MPI and residence for a month's row, the reason's
        # and the providers' names).
        con.execute(f"""
        CREATE OR REPLACE TEMP TABLE oaps_{period} AS
        SELECT DISTINCT * FROM (
          SELECT m.ReportingPeriodStartDate, oaps.UniqMonthID, oaps.Person_ID, oaps.OrgIDProv,
                 coalesce(oaps.ReasonOAT, 'UNKNOWN') AS ReasonOAT, oaps.UniqServReqID,
                 oaps.NewServDischDate, oaps.ReferralRequestReceivedDate,
                 hs.UniqHospProvSpellID, ws.UniqWardStayID,
                 {bed('ws', 'Acute_Bed')} AS Acute_Bed,
                 {bed('ws', 'MHAdmittedPatientClass')} AS MHAdmittedPatientClass,
                 {bed('ws_start', 'Acute_Bed')} AS StartAcute_Bed,
                 {bed('ws_start', 'MHAdmittedPatientClass')} AS StartMHAdmittedPatientClass,
                 {bed('ws_active', 'Acute_Bed')} AS ActiveAcute_Bed,
                 {bed('ws_active', 'MHAdmittedPatientClass')} AS ActiveMHAdmittedPatientClass,
                 {bed('ws_end', 'Acute_Bed')} AS EndAcute_Bed,
                 {bed('ws_end', 'MHAdmittedPatientClass')} AS EndMHAdmittedPatientClass,
                 ws.WardType,
                 oaps.OrgIDProv AS OrgIDReceiving,
                 coalesce(oaps.OrgIDReferring, 'UNKNOWN') AS OrgIDSubmitting,
                 CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 0 ELSE {ws_days('ws.UniqWardStayID', 'ws.EndDateWardStay', 'ws.StartDateWardStay', starts['M'], rp_end)} END AS Bed_Days_Month_WS,
                 CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 0 ELSE {ws_days('ws.UniqWardStayID', 'ws.EndDateWardStay', 'ws.StartDateWardStay', starts['Q'], rp_end)} END AS Bed_Days_Qtr_WS,
                 CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 0 ELSE {ws_days('ws.UniqWardStayID', 'ws.EndDateWardStay', 'ws.StartDateWardStay', starts['Y'], rp_end)} END AS Bed_Days_Yr_WS,
                 CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 0 ELSE {hs_days('hs.DischDateHospProvSpell', 'hs.StartDateHospProvSpell', starts['M'], rp_end)} END AS Bed_Days_Month_HS,
                 CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 0 ELSE {hs_days('hs.DischDateHospProvSpell', 'oaps.ReferralRequestReceivedDate', starts['Q'], rp_end)} END AS Bed_Days_Qtr_HS,
                 CASE WHEN hs.UniqHospProvSpellID IS NULL THEN 0 ELSE {hs_days('hs.DischDateHospProvSpell', 'oaps.ReferralRequestReceivedDate', starts['Y'], rp_end)} END AS Bed_Days_Yr_HS,
                 dense_rank() OVER (PARTITION BY hs.UniqHospProvSpellID ORDER BY ws.UniqWardStayID DESC NULLS LAST) AS RANK,
                 CASE WHEN oaps.ReferralRequestReceivedDate BETWEEN {sw} AND {rp_end} THEN 1 ELSE 0 END AS Received_In_RP,
                 CASE WHEN m.ReportingPeriodStartDate BETWEEN {sw} AND {rp_end} THEN 1 ELSE 0 END AS Submitted_In_RP,
                 CASE WHEN oaps.NewServDischDate BETWEEN {sw} AND {rp_end} THEN 1 ELSE 0 END AS Ended_In_RP,
                 -- AND binds tighter than OR, as in Spark SQL
                 CASE WHEN oaps.NewServDischDate IS NULL OR oaps.NewServDischDate > {rp_end} AND oaps.UniqMonthID = {end} THEN 1 ELSE 0 END AS Active_End
          FROM (SELECT * FROM overlapping_oaps_referrals WHERE UniqMonthID BETWEEN {lo} AND {end}) AS oaps
          JOIN months m ON oaps.UniqMonthID = m.UniqMonthID
          LEFT JOIN oaps_hospprovspell hs
            ON oaps.UniqServReqID = hs.UniqServReqID AND oaps.Person_ID = hs.Person_ID
           AND oaps.OrgIDProv = hs.OrgIDProv AND hs.UniqMonthID BETWEEN {lo} AND {end}
          {ws_join('ws')}
          {ws_join('ws_start', 'AND oaps.ReferralRequestReceivedDate BETWEEN ws_start.StartDateWardStay AND ws_start.EndDateWardStay')}
          {ws_join('ws_active', f'AND (oaps.NewServDischDate IS NULL OR oaps.NewServDischDate > {rp_end}) AND (ws_active.EndDateWardStay IS NULL OR ws_active.EndDateWardStay > {rp_end})')}
          {ws_join('ws_end', 'AND oaps.NewServDischDate BETWEEN ws_end.StartDateWardStay AND ws_end.EndDateWardStay')}
        )
        """)
        bd = {"M": "Bed_Days_Month_HS", "Q": "Bed_Days_Qtr_HS", "Y": "Bed_Days_Yr_HS"}[period]
        for level, key in LEVELS:
            q = f"""
            SELECT {key} AS lvl, {OAP_COUNTS.format(bd=bd)}
            FROM oaps_{period} o LEFT JOIN providers p ON o.OrgIDSubmitting = p.provider_code
            WHERE {key} IS NOT NULL
            GROUP BY ALL
            """
            for row in con.execute(q).fetchall():
                for name, value in zip(OAP_NAMES, row[1:]):
                    out[((level, row[0], "NONE"), period, name)] = value or 0
        if mpi and period in group_periods:
            # The person's groups for each row of oaps_month / oaps_quarter / oaps_year, joined
            # as each statement joins MHS001MPI (see the docstring's quirks)
            if period == "M":
                where, on = f"UniqMonthID = {end} AND PatMRecInRP = 'true' AND {mpi_version}", "mpi.Person_ID = k.Person_ID"
            else:
                where = f"UniqMonthID BETWEEN {end} - 11 AND {end} AND PatMRecInRP = 'true'"
                on = "mpi.Person_ID = k.Person_ID AND mpi.UniqMonthID = k.UniqMonthID"
            con.execute(f"""CREATE OR REPLACE TEMP TABLE oaps_groups_{period} AS
              {groups_sql(f"SELECT DISTINCT UniqMonthID, Person_ID FROM oaps_{period}", ["UniqMonthID", "Person_ID"], where, on, end)}""")
            for level, key in LEVELS:
                q = f"""
                SELECT {key} AS lvl, g.dimension, g.code, {OAP_COUNTS.format(bd=bd)}
                FROM oaps_{period} o
                JOIN oaps_groups_{period} g ON g.UniqMonthID = o.UniqMonthID AND g.Person_ID IS NOT DISTINCT FROM o.Person_ID
                LEFT JOIN providers p ON o.OrgIDSubmitting = p.provider_code
                WHERE {key} IS NOT NULL
                GROUP BY ALL
                """
                for row in con.execute(q).fetchall():
                    lvl, dim, code = row[:3]
                    group_key = (f"England; {dim}", code, "NONE") if level == "England" else (f"{level}; {dim}", lvl, code)
                    for measure, value in zip(OAP_NAMES, row[3:]):
                        out[(group_key, period, measure)] = value or 0

        # INSERT OVERWRITE TABLE $db_output.oaps_all_admissions_month / _quarter / _year (no
        # DISTINCT there); the residence joins are left out. The MPI join is left out of the
        # England and Collaborative figures: at M it adds no rows (one master record per person),
        # but at Q and Y it joins on Person_ID alone over the window's months, repeating each
        # spell row once per month with a master record (the literal bed days below leave that
        # repetition out); the group figures join it as written, each row once per group.
        hs_start_days = hs_days("hs.DischDateHospProvSpell", "hs.StartDateHospProvSpell", sw, rp_end)
        con.execute(f"""
        CREATE OR REPLACE TEMP TABLE adm_{period} AS
          SELECT hs.UniqHospProvSpellID, hs.Person_ID,
                 -- oapstat's Collaborative level (not the pipeline's): a spell whose referral has
                 -- a ReasonOAT is an OAP, of its sending provider's collaborative; any other
                 -- spell is of its provider's
                 CASE WHEN oat.UniqServReqID IS NOT NULL THEN sender.collaborative
                      ELSE provider.collaborative END AS collaborative,
                 CASE WHEN ws.UniqHospProvSpellID IS NOT NULL THEN ws.Acute_Bed ELSE 'UNKNOWN' END AS Acute_Bed,
                 {hs_start_days} AS bed_days,
                 dense_rank() OVER (PARTITION BY hs.UniqHospProvSpellID ORDER BY ws.UniqWardStayID DESC NULLS LAST) AS RANK,
                 CASE WHEN hs.StartDateHospProvSpell BETWEEN {sw} AND {rp_end} THEN 1 ELSE 0 END AS Received_In_RP,
                 CASE WHEN hs.ReportingPeriodStartDate BETWEEN {sw} AND {rp_end} THEN 1 ELSE 0 END AS Submitted_In_RP,
                 CASE WHEN hs.DischDateHospProvSpell BETWEEN {sw} AND {rp_end} THEN 1 ELSE 0 END AS Ended_In_RP,
                 CASE WHEN (hs.DischDateHospProvSpell IS NULL OR hs.DischDateHospProvSpell > {rp_end}) AND hs.UniqMonthID = {end} THEN 1 ELSE 0 END AS Active_End
          FROM (SELECT * FROM oaps_hospprovspell WHERE UniqMonthID BETWEEN {lo} AND {end}) hs
          LEFT JOIN oaps_wardstay ws
            ON hs.UniqHospProvSpellID = ws.UniqHospProvSpellID AND hs.OrgIDProv = ws.OrgIDProv
           AND ws.UniqMonthID BETWEEN {lo} AND {end}
          LEFT JOIN oat ON hs.UniqServReqID = oat.UniqServReqID
          LEFT JOIN providers sender ON oat.OrgIDReferringOrg = sender.provider_code
          LEFT JOIN providers provider ON hs.OrgIDProv = provider.provider_code
        """)
        rows = con.execute(f"""
        SELECT CASE WHEN GROUPING(collaborative) = 1 THEN 'England' ELSE 'Collaborative' END, collaborative,
          {ADMISSION_COUNTS}
        FROM adm_{period}
        GROUP BY GROUPING SETS ((), (collaborative))
        """).fetchall()
        for row in rows:
            level = ("England", "England", "NONE") if row[0] == "England" else ("Collaborative", row[1], "NONE")
            if level[1] is None:
                continue
            for name, value in zip(ADMISSION_NAMES, row[2:]):
                out[(level, period, name)] = value or 0
        if mpi and period in group_periods:
            # oaps_all_admissions_*'s MHS001MPI: the end month's at M, every month of the window
            # at Q and Y, latest versions, joined on Person_ID alone
            where = f"UniqMonthID BETWEEN {lo} AND {end} AND PatMRecInRP = 'true' AND {mpi_version}"
            con.execute(f"""CREATE OR REPLACE TEMP TABLE adm_groups_{period} AS
              {groups_sql(f"SELECT DISTINCT Person_ID FROM adm_{period}", ["Person_ID"], where, "mpi.Person_ID = k.Person_ID", end)}""")
            rows = con.execute(f"""
            SELECT CASE WHEN GROUPING(a.collaborative) = 1 THEN 'England' ELSE 'Collaborative' END, a.collaborative,
              g.dimension, g.code, {ADMISSION_COUNTS}
            FROM adm_{period} a JOIN adm_groups_{period} g ON g.Person_ID IS NOT DISTINCT FROM a.Person_ID
            GROUP BY GROUPING SETS ((g.dimension, g.code), (a.collaborative, g.dimension, g.code))
            """).fetchall()
            for row in rows:
                level, collaborative, dim, code = row[:4]
                if level == "England":
                    group_key = (f"England; {dim}", code, "NONE")
                elif collaborative is None:
                    continue
                else:
                    group_key = (f"Collaborative; {dim}", collaborative, code)
                for name, value in zip(ADMISSION_NAMES, row[4:]):
                    out[(group_key, period, name)] = value or 0
    return out


LIST = int(os.environ.get("MHSDS_DUCKDB_LIST", "60"))

LEVELS = [
    ("England", "'England'"),
    ("Sending Provider", "OrgIDSubmitting"),
    ("Receiving Provider", "OrgIDReceiving"),
    ("Collaborative", "p.collaborative"),
]


def family_of(breakdown):
    """The family a breakdown's values are counted under: its own name, or "England; <group>"
    for England; Age Band and the like."""
    family, _, dim = breakdown.partition("; ")
    return f"{family}; <group>" if dim else family


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("oapstat")
    parser.add_argument("mhsds_dir")
    parser.add_argument("first")
    parser.add_argument("last")
    parser.add_argument("--out")
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument("--oapstat-csv", help="compare with this output of `oapstat nhs --mhsds --format csv` "
                        "(run with --population England=<the collaboratives' sum>) instead of running oapstat")
    parser.add_argument("--breakdowns-only", action="store_true",
                        help="compare only the demographic breakdowns (England; Age Band and the like)")
    args = parser.parse_args()
    d = args.mhsds_dir
    con = duckdb.connect()
    con.execute(f"""
    CREATE TABLE header AS {source(con, d, 'MHS000Header')};
    CREATE TABLE referrals AS SELECT * FROM ({source(con, d, 'MHS101Referral')}) WHERE ReasonOAT = '10';
    CREATE TABLE spells AS {source(con, d, 'MHS501HospProvSpell')};
    CREATE TABLE wards AS {source(con, d, 'MHS502WardStay')};
    CREATE TABLE oat AS SELECT UniqServReqID, any_value(OrgIDReferringOrg) AS OrgIDReferringOrg
      FROM ({source(con, d, 'MHS101Referral')}) WHERE ReasonOAT IS NOT NULL GROUP BY ALL;
    CREATE TABLE providers AS SELECT * FROM read_csv('{os.path.join(d, 'providers.csv')}', header=true, all_varchar=true);
    """)
    population = {r[0]: int(r[1]) for r in con.execute(
        f"SELECT collaborative, population FROM read_csv('{os.path.join(d, 'collaboratives.csv')}', header=true, all_varchar=true) WHERE population <> ''").fetchall()}
    # The demographic breakdowns, where the folder holds MHS001MPI: imd.csv (lsoa, imd_decile)
    # stands for the pipeline's IMD 2019 reference, populations.csv (collaborative, dimension,
    # group, age_band, population; age_band `all`) for its ONS populations by group.
    mpi = bool(table_files(d, "MHS001MPI"))
    group_population = {}
    if mpi:
        con.execute(f"CREATE TABLE mpi AS {source(con, d, 'MHS001MPI')}")
        imd_csv = os.path.join(d, "imd.csv")
        if not os.path.exists(imd_csv):
            print(f"{d}: no imd.csv, so no IMD Decile breakdown here")
            imd_csv = None
        reference_tables(con, imd_csv)
        pop_csv = os.path.join(d, "populations.csv")
        if os.path.exists(pop_csv):
            # A group's population: its `all` row, else the sum of its ESP 2013 bands (as
            # oapstat's populations.csv reads it), to whole people.
            for who, dim, group, n in con.execute(
                    f"""SELECT collaborative, dimension, "group",
                              coalesce(max(population::DOUBLE) FILTER (WHERE lower(age_band) = 'all'),
                                       sum(population::DOUBLE) FILTER (WHERE lower(age_band) <> 'all'))
                        FROM read_csv('{pop_csv}', header=true, all_varchar=true)
                        WHERE population <> '' GROUP BY ALL""").fetchall():
                if n is not None:
                    group_population[(who, dim, group)] = int(math.floor(n + 0.5))
        else:
            print(f"{d}: no populations.csv, so no rate by group (OAP05-OAP07) here")
    y, m = map(int, args.first.split("-"))
    first = month_id(date(y, m, 1))
    y, m = map(int, args.last.split("-"))
    last = month_id(date(y, m, 1))
    # oapstat leaves a period empty when it starts before the first month submitted.
    covered_from = con.execute("SELECT min(UniqMonthID) FROM header").fetchone()[0]
    runs = {}
    for end in range(first - 11, last + 1):
        # the months before the first are run for their monthly bed days only
        runs[end] = run(con, end, mpi, ("M", "Q", "Y") if end >= first else ("M",))
    dimensions = [dim for dim, *_ in DIMENSIONS if mpi and (dim != "IMD Decile" or imd_csv)]
    group_breakdowns = [b for b in GROUP_BREAKDOWNS if b.partition("; ")[2] in dimensions]
    for r in runs.values():
        for k in [k for k in r if "; " in k[0][0] and k[0][0].partition("; ")[2] not in dimensions]:
            del r[k]

    expected = {}
    descriptions = {}  # (breakdown, primary, secondary) -> (primary description, secondary description)
    literal_gap = []
    dim_key = {dim: key for dim, key, *_ in DIMENSIONS}
    for end in range(first, last + 1):
        r = runs[end]
        levels = {k[0] for k in r}
        if mpi:
            # England's groups: every level of the list, zeros where none
            levels |= {(f"England; {dim}", code, "NONE") for dim in dimensions for code, _ in group_list(dim, end)}
        names = {(dim, code): name for dim, *_ in DIMENSIONS for code, name in group_list(dim, end)}
        for period in ("M", "Q", "Y"):
            window = {"M": [end], "Q": list(range(end - 2, end + 1)), "Y": list(range(end - 11, end + 1))}[period]
            # a group whose bed days at Q or Y come only from an earlier month's run (its rows
            # superseded since, say) has them summed too
            window_levels = {k[0] for e in window for k in runs[e] if k[1] == "M" and "; " in k[0][0]}
            for level in levels | window_levels:
                breakdown, primary, secondary = level
                family, _, dim = breakdown.partition("; ")
                # measure_metadata.py gives the providers' demographic breakdowns at Y only
                # (OAP01-OAP04 and OAP01a-OAP04a; the rates and proportions at England's and
                # the commissioning regions' levels only)
                if dim and family in ("Sending Provider", "Receiving Provider") and period != "Y":
                    continue
                if dim:
                    group = names.get((dim, primary if family == "England" else secondary), "UNKNOWN")
                    descriptions[level] = ((group, "NONE") if family == "England" else (primary, group))

                def get(name, p=period, lv=level):
                    return r.get((lv, p, name), 0)

                def summed(name, lv=level):
                    return sum(runs[k].get((lv, "M", name), 0) for k in window)
                for acute in (False, True):
                    p = "a" if acute else "c"
                    dp = "da" if acute else "d"
                    counts = {1: get(f"{p}1"), 2: summed(f"{p}2"), 3: get(f"{p}3", "M"), 4: get(f"{p}4")}
                    if level == ("England", "England", "NONE") and period != "M":
                        literal_gap.append((end, period, "OAP02" + ("a" if acute else ""), get(f"{p}2"), counts[2],
                                            get(f"{dp}2"), summed(f"{dp}2")))
                    dens = {1: get(f"{dp}1"), 2: summed(f"{dp}2"), 3: get(f"{dp}3"), 4: get(f"{dp}4")}
                    values = dict(counts)
                    if not dim:
                        pop = (sum(population.values()) if family == "England"
                               else population.get(primary) if family == "Collaborative" else None)
                    else:
                        who = "England" if family == "England" else primary
                        pop = group_population.get((who, dim_key[dim], group))
                    if family in ("England", "Collaborative"):
                        for n, c in ((5, 1), (6, 3), (7, 4)):
                            if counts[c] > 0 and pop:
                                values[n] = counts[c] * 1_000_000 / pop
                    if family in ("England", "Collaborative"):
                        for n, c in ((8, 1), (9, 2), (10, 3), (11, 4)):
                            if counts[c] > 0:
                                values[n] = counts[c] * 100 / dens[c] if dens[c] else None
                    for n, v in values.items():
                        if end - len(window) + 1 < covered_from:
                            v = None
                        mid = f"OAP{n:02d}{'a' if acute else ''}"
                        expected[(str(month_start(end))[:7], period, breakdown, primary, secondary, mid)] = v
                    if dim and family == "England":
                        # every measure has a row for every group of the list (a rate without a
                        # count or population, a proportion without a count: empty)
                        for n in range(5, 12):
                            mid = f"OAP{n:02d}{'a' if acute else ''}"
                            expected.setdefault((str(month_start(end))[:7], period, breakdown, primary, secondary, mid), None)

    if args.out:
        with open(args.out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["REPORTING_PERIOD_START", "REPORTING_PERIOD_END", "STATUS", "BREAKDOWN",
                        "PRIMARY_LEVEL", "PRIMARY_LEVEL_DESCRIPTION", "SECONDARY_LEVEL",
                        "SECONDARY_LEVEL_DESCRIPTION", "MEASURE_ID", "MEASURE_NAME", "MEASURE_VALUE"])
            for (month, period, breakdown, lvl, second, mid), v in sorted(expected.items(), key=lambda kv: str(kv[0])):
                end = month_id(date(int(month[:4]), int(month[5:]), 1))
                start = month_start(end - {"M": 0, "Q": 2, "Y": 11}[period])
                n = int(mid[3:5])
                name = (NAMES_A if mid.endswith("a") else NAMES)[n]
                lvl_desc, second_desc = descriptions.get((breakdown, lvl, second), (lvl, "NONE"))
                w.writerow([start.strftime("%d/%m/%Y"), month_end(end).strftime("%d/%m/%Y"), "Local",
                            breakdown, lvl, lvl_desc, second, second_desc, mid, name, "" if v is None else v])

    print("bed days at Q and Y, England: the pipeline read literally against the sum of the window's months")
    print("  month    period measure  literal  summed  ratio | denominator literal  summed  ratio")
    worst = 0.0
    for end, period, mid, lit, summ, dlit, dsum in literal_gap:
        ratio = lit / summ if summ else float("nan")
        dratio = dlit / dsum if dsum else float("nan")
        if summ:
            worst = max(worst, ratio)
        if end == last or end == first:
            print(f"  {str(month_start(end))[:7]}  {period}      {mid:7} {lit:8} {summ:7} {ratio:6.2f} | {dlit:19} {dsum:7} {dratio:6.2f}")
    print(f"  largest literal/summed ratio of OAP02/OAP02a at Q or Y over {args.first}..{args.last}: {worst:.2f}")
    if args.no_compare:
        return

    if args.oapstat_csv:
        with open(args.oapstat_csv) as f:
            text = f.read()
    else:
        # England's population: the collaboratives' sum, given to oapstat as this script uses it.
        proc = subprocess.run(
            [args.oapstat, "nhs", "--mhsds", d, "--from", args.first, "--to", args.last, "--format", "csv",
             "--quiet", "--population", f"England={sum(population.values())}"],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            print(f"oapstat nhs --mhsds failed ({proc.returncode}): {proc.stderr.strip()}")
            sys.exit(2)
        text = proc.stdout
    got = {}
    got_descriptions = {}
    for r in csv.DictReader(io.StringIO(text)):
        lower = {k.lower(): v for k, v in r.items()}
        month, period = lower.get("month"), lower.get("period")
        if not month or not period:
            start = date.fromisoformat(lower["reporting_period_start"])
            end = date.fromisoformat(lower["reporting_period_end"])
            month = str(end)[:7]
            span = month_id(end) - month_id(start) + 1
            period = {1: "M", 3: "Q", 12: "Y"}[span]
        breakdown, level = lower["breakdown"], lower["primary_level"]
        secondary = lower.get("secondary_level") or "NONE"
        key = (month, period, breakdown, level, secondary, lower["measure_id"])
        got[key] = None if lower["measure_value"] in ("", None) else float(lower["measure_value"])
        got_descriptions[(breakdown, level, secondary)] = (lower.get("primary_level_description"),
                                                           lower.get("secondary_level_description") or "NONE")
    problems = []
    zero_only = 0
    breakdowns = {k[2] for k in expected}
    if args.breakdowns_only:
        breakdowns = {b for b in breakdowns if "; " in b}
    # A demographic breakdown oapstat does not give at all is one difference, not one per value
    missing_breakdowns = []
    if mpi:
        given = {k[2] for k in got}
        missing_breakdowns = [b for b in group_breakdowns if b not in given]
        if len(missing_breakdowns) == len(group_breakdowns):
            print(f"oapstat nhs --mhsds gave none of the demographic breakdowns ({group_breakdowns[0]}, ..., "
                  f"{group_breakdowns[-1]}) although {d} holds MHS001MPI: none of their "
                  f"{sum(1 for k in expected if '; ' in k[2])} values could be compared")
        else:
            for b in missing_breakdowns:
                problems.append(f"oapstat gave no row of the breakdown {b!r}")
        breakdowns -= set(missing_breakdowns)
    compared = {}
    differing = {}
    for key in sorted({k for k in expected if k[2] in breakdowns} | {k for k in got if k[2] in breakdowns}, key=str):
        a, b = got.get(key), expected.get(key)
        family = family_of(key[2])
        if key in expected:
            compared[family] = compared.get(family, 0) + 1
        before = len(problems)
        if key not in got and key[2].startswith("England; "):
            # England's demographic breakdowns list every group, zeros included
            problems.append(f"no row in oapstat: {key} (DuckDB {b})")
        elif key not in got and (b is None or b == 0):
            zero_only += 1
            continue
        elif key not in expected and (a is None or a == 0):
            zero_only += 1
            continue
        elif "; " in key[2] and a in (None, 0) and b in (None, 0) and (a is None) != (b is None):
            # a demographic group's proportion or rate without a count: 0 or empty
            zero_only += 1
            continue
        elif key not in got:
            problems.append(f"missing from oapstat: {key} (DuckDB {b})")
        elif key not in expected:
            problems.append(f"not in DuckDB: {key} (oapstat {a})")
        elif (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)):
            problems.append(f"{key}: oapstat {a}, DuckDB {b}")
        if len(problems) > before:
            differing[family] = differing.get(family, 0) + 1
    # The groups' codes and names as NHS England publishes them: England's lists hold no other
    for month, dim, code in sorted({(k[0], k[2].partition("; ")[2], k[3]) for k in got
                                    if k[2].startswith("England; ") and k[2] in breakdowns}):
        end = month_id(date(int(month[:4]), int(month[5:]), 1))
        if code not in {c for c, _ in group_list(dim, end)}:
            problems.append(f"England; {dim}: oapstat gives the group {code!r} in {month}, not one of the pipeline's")
    for level, (primary_desc, secondary_desc) in sorted(descriptions.items(), key=str):
        if level[0] not in breakdowns or level not in got_descriptions:
            continue
        if got_descriptions[level] != (primary_desc, secondary_desc) and (
                level[0].startswith("England; ") or got_descriptions[level][1] != secondary_desc):
            problems.append(f"{level}: oapstat describes it {got_descriptions[level]}, the pipeline "
                            f"{(primary_desc, secondary_desc) if level[0].startswith('England; ') else ('...', secondary_desc)}")
    for p in problems[:LIST]:
        print(p)
    if len(problems) > LIST:
        print(f"... and {len(problems) - LIST} more")
    for family in sorted(set(compared) | set(differing)):
        print(f"  {family}: {compared.get(family, 0)} values compared, {differing.get(family, 0)} differences")
    print(f"nhs --mhsds measures: {sum(1 for k in expected if k[2] in breakdowns)} values compared ({zero_only} zero on one side and absent "
          f"on the other), {len(problems)} differences; breakdowns in oapstat not in this script: "
          f"{sorted({k[2] for k in got} - {k[2] for k in expected})}"
          + (f"; demographic breakdowns missing from oapstat: {len(missing_breakdowns)} of {len(group_breakdowns)}"
             if mpi else ""))
    sys.exit(1 if problems or (mpi and missing_breakdowns) else 0)


if __name__ == "__main__":
    main()
