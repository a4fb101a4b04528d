# Reference values for analysis/ from R's survey package.
#
# Usage (from the repository root):
#   Rscript tests/reference/make_reference.R [OUT.csv]
# Reads srs.csv and stratified.csv (written by make_data.py with a fixed
# seed) and writes survey_reference.csv (default) with, for every value, the
# R call that produced it. tests/analysis/test_reference.py compares
# analysis.estimate() with the stored file always, and reruns this script
# when Rscript and survey are installed.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
here <- "tests/reference"
out_file <- if (length(args) >= 1) args[1] else file.path(here, "survey_reference.csv")

criteria <- c(paste0("TC", 1:3), paste0("TT", 1:4), paste0("CC", 1:3),
              paste0("KQ", 1:3), paste0("PA", 1:3))
elements <- split(criteria, factor(substr(criteria, 1, 2),
                                   levels = c("TC", "TT", "CC", "KQ", "PA")))

# a_X = answered, y_X = satisfied (top2box: 4-5; mean_pct: (score-1)/4;
# expectations: 3-4), 0 when not answered, so a criterion is the ratio
# svyratio(~y_X, ~a_X) and item non-response is a domain of the design.
score <- function(df, method) {
  for (code in grep("^(TC|TT|CC|KQ|PA|MM)[0-9]+$", names(df), value = TRUE)) {
    x <- df[[code]]
    df[[paste0("a_", code)]] <- as.numeric(!is.na(x))
    y <- if (startsWith(code, "MM")) as.numeric(!is.na(x) & x >= 3)
         else if (method == "top2box") as.numeric(!is.na(x) & x >= 4)
         else ifelse(is.na(x), 0, (x - 1) / 4)
    df[[paste0("y_", code)]] <- y
  }
  df
}

element_expr <- function(codes) {
  sprintf("(%s)/%d", paste0("y_", codes, "/a_", codes, collapse = " + "), length(codes))
}
composites <- c(sapply(elements, element_expr),
                SIPAS = sprintf("(%s)/%d", paste(sapply(elements, element_expr),
                                                 collapse = " + "), length(elements)))

rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)

run_case <- function(design_id, dataset, design_call, by, method, deff_arg) {
  df <- score(read.csv(file.path(here, paste0(dataset, ".csv"))), method)
  des <- eval(parse(text = design_call))
  deff_txt <- deparse(deff_arg)
  levels <- if (by == "") "" else sort(unique(df[[by]]))
  items <- c(criteria, grep("^MM[0-9]+$", names(df), value = TRUE))
  for (g in levels) {
    dom <- if (by == "") "des" else sprintf('subset(des, %s == "%s")', by, g)
    sub <- if (by == "") des else des[df[[by]] == g, ]
    ratios <- c(); xhat <- c()
    for (code in items) {
      call <- sprintf("svyratio(~y_%s, ~a_%s, %s, deff = %s)", code, code, dom, deff_txt)
      r <- svyratio(as.formula(paste0("~y_", code)), as.formula(paste0("~a_", code)),
                    sub, deff = deff_arg)
      ratios[code] <- coef(r)
      xhat[code] <- coef(svytotal(as.formula(paste0("~a_", code)), sub))
      add(design_id = design_id, dataset = dataset, by = by, group = g, method = method,
          level = if (startsWith(code, "MM")) "expectation" else "criterion", code = code,
          estimate = coef(r), se = SE(r), deff = deff(r), call = call)
    }
    total_formula <- as.formula(paste("~", paste(c(paste0("y_", criteria),
                                                   paste0("a_", criteria)), collapse = " + ")))
    totals <- svytotal(total_formula, sub)
    for (code in names(composites)) {
      expr <- parse(text = composites[[code]])[[1]]
      con <- svycontrast(totals, expr)
      # deff: the composite's linearised value r = sum_j c_j (y_j - R_j a_j) / X_j
      # through svytotal(deff =), as svyratio does for one ratio.
      codes <- if (code == "SIPAS") criteria else elements[[code]]
      coefs <- if (code == "SIPAS") unlist(lapply(elements, function(e) rep(1 / length(e) / 5, length(e))))
               else rep(1 / length(codes), length(codes))
      lin <- Reduce(`+`, Map(function(cd, cf) cf * (df[[paste0("y_", cd)]] - ratios[cd] *
                                                      df[[paste0("a_", cd)]]) / xhat[cd],
                             codes, coefs))
      des_r <- update(des, r_lin = lin)
      sub_r <- if (by == "") des_r else des_r[df[[by]] == g, ]
      d <- deff(svytotal(~r_lin, sub_r, deff = deff_arg))
      add(design_id = design_id, dataset = dataset, by = by, group = g, method = method,
          level = if (code == "SIPAS") "overall" else "element", code = code,
          estimate = coef(con), se = SE(con), deff = d,
          call = sprintf("svycontrast(svytotal(~y_TC1 + ... + a_PA3, %s), quote(%s)); deff: svytotal(~r_lin, %s, deff = %s)",
                         dom, composites[[code]], dom, deff_txt))
    }
  }
}

srs_design <- 'svydesign(ids = ~1, data = df)'
str_design <- 'svydesign(ids = ~1, strata = ~service, weights = ~weight, fpc = ~population, data = df)'
fpc_design <- 'svydesign(ids = ~1, strata = ~service, fpc = ~population, data = df)'
designs <- c(srs = srs_design, stratified = str_design, fpc_only = fpc_design)
suppressWarnings({  # "No weights or probabilities supplied, assuming equal probability"
  for (by in c("", "service", "channel")) {
    run_case("srs", "srs", srs_design, by, "top2box", "replace")
    run_case("stratified", "stratified", str_design, by, "top2box", TRUE)
  }
  run_case("srs", "srs", srs_design, "service", "mean_pct", "replace")
  run_case("stratified", "stratified", str_design, "channel", "mean_pct", TRUE)
  # weights N_h / n_h derived from the population sizes alone
  run_case("fpc_only", "stratified", fpc_design, "", "top2box", TRUE)
  run_case("fpc_only", "stratified", fpc_design, "channel", "top2box", TRUE)
})

out <- do.call(rbind, rows)
out$design <- designs[out$design_id]
for (col in c("estimate", "se", "deff")) out[[col]] <- sprintf("%.17g", out[[col]])
out$r_version <- paste0("R ", getRversion(), ", survey ", packageVersion("survey"))
write.csv(out, out_file, row.names = FALSE)
cat("wrote", nrow(out), "reference values to", out_file, "\n")
