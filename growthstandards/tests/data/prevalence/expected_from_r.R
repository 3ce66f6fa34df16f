# Recompute the *_expected.csv files of this folder with the WHO R package (run where R and
# the CRAN packages `anthro` and `survey` are installed):
#   Rscript growthstandards/tests/data/prevalence/expected_from_r.R growthstandards/tests/data/prevalence
# Every *_input.csv is read (columns named like the arguments of anthro_prevalence; empty = NA)
# and the function's result is written as <name>_expected.csv (NA as "NA", R's write.csv).
suppressMessages(library(anthro))
dir <- commandArgs(trailingOnly = TRUE)[1]
args_of <- c("sex", "age", "weight", "lenhei", "measure", "oedema", "sw", "cluster",
             "strata", "typeres", "gregion", "wealthq", "mothered", "othergr")
for (input in list.files(dir, pattern = "_input\\.csv$", full.names = TRUE)) {
  d <- read.csv(input, stringsAsFactors = FALSE, na.strings = c("", "NA"))
  call_args <- lapply(intersect(args_of, names(d)), function(n) d[[n]])
  names(call_args) <- intersect(args_of, names(d))
  if ("is_age_in_month" %in% names(d)) {
    call_args$is_age_in_month <- isTRUE(as.logical(d$is_age_in_month[1]))
  }
  res <- suppressWarnings(do.call(anthro_prevalence, call_args))
  out <- sub("_input\\.csv$", "_expected.csv", input)
  write.csv(res, out, row.names = FALSE)
  cat("wrote", out, "\n")
}
