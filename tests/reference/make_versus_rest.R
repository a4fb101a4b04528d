# Reference values for analysis.versus_rest: each element (criterion) minus
# the mean of the other elements (criteria), from R's survey package.
#
# Usage (from the repository root):
#   Rscript tests/reference/make_versus_rest.R [OUT.csv]
# Reads srs.csv (written by make_data.py: three services, item non-response)
# and writes versus_rest_reference.csv (default): one value per row with the
# R call that produced it. tests/analysis/test_versus_rest.py compares
# analysis with the stored file always, and reruns this script when Rscript
# and survey are installed.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
here <- "tests/reference"
out_file <- if (length(args) >= 1) args[1] else file.path(here, "versus_rest_reference.csv")

criteria <- c(paste0("TC", 1:3), paste0("TT", 1:4), paste0("CC", 1:3),
              paste0("KQ", 1:3), paste0("PA", 1:3))
elements <- split(criteria, factor(substr(criteria, 1, 2),
                                   levels = c("TC", "TT", "CC", "KQ", "PA")))

df <- read.csv(file.path(here, "srs.csv"))
for (code in criteria) {
  x <- df[[code]]
  df[[paste0("a_", code)]] <- as.numeric(!is.na(x))
  df[[paste0("y_", code)]] <- as.numeric(!is.na(x) & x >= 4)
}
totals_formula <- as.formula(paste("~", paste(c(paste0("y_", criteria), paste0("a_", criteria)),
                                              collapse = " + ")))

# a criterion index as an expression of svytotal coefficients ("A:" prefixes a svyby domain)
crit <- function(code, prefix = "") sprintf("`%sy_%s`/`%sa_%s`", prefix, code, prefix, code)
elem <- function(e, prefix = "") sprintf("((%s)/%d)", paste(sapply(elements[[e]], crit, prefix = prefix),
                                                             collapse = " + "), length(elements[[e]]))
# an item of a level, averaged over the domains `prefixes` (one "" = the pooled design)
item <- function(kind, code, prefixes) {
  one <- sapply(prefixes, function(p) if (kind == "element") elem(code, p) else crit(code, p))
  sprintf("((%s)/%d)", paste(one, collapse = " + "), length(prefixes))
}
versus <- function(kind, code, prefixes) {
  all <- if (kind == "element") names(elements) else criteria
  others <- setdiff(all, code)
  sprintf("%s - (%s)/%d", item(kind, code, prefixes),
          paste(sapply(others, function(o) item(kind, o, prefixes)), collapse = " + "), length(others))
}

rows <- list()
add <- function(case, group, kind, code, quantity, value, call) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, group = group, level = kind, code = code, quantity = quantity,
    value = sprintf("%.17g", value), call = call, stringsAsFactors = FALSE)
}

srs <- svydesign(ids = ~1, data = df)
strat <- svydesign(ids = ~1, strata = ~service, data = df)
by_service <- svyby(totals_formula, ~service, srs, svytotal, covmat = TRUE)
cases <- list(
  list(case = "pooled", group = "", tot = svytotal(totals_formula, srs), prefixes = "", df = degf(srs),
       call = "svycontrast(svytotal(~y_TC1 + ... + a_PA3, svydesign(ids = ~1, data = df)), quote(%s))",
       dfcall = "degf(svydesign(ids = ~1, data = df))"),
  list(case = "stratified", group = "", tot = svytotal(totals_formula, strat), prefixes = "",
       df = degf(strat),
       call = "svycontrast(svytotal(~y_TC1 + ... + a_PA3, svydesign(ids = ~1, strata = ~service, data = df)), quote(%s))",
       dfcall = "degf(svydesign(ids = ~1, strata = ~service, data = df))"),
  list(case = "mean_of_services", group = "", tot = by_service, prefixes = paste0(sort(unique(df$service)), ":"),
       df = degf(srs),
       call = "svycontrast(svyby(~y_TC1 + ... + a_PA3, ~service, svydesign(ids = ~1, data = df), svytotal, covmat = TRUE), quote(%s))",
       dfcall = "degf(svydesign(ids = ~1, data = df))"))
for (s in sort(unique(df$service))) {
  sub <- subset(strat, service == s)
  cases[[length(cases) + 1]] <- list(
    case = "own", group = s, tot = svytotal(totals_formula, sub), prefixes = "", df = degf(sub),
    call = sprintf("svycontrast(svytotal(~y_TC1 + ... + a_PA3, subset(svydesign(ids = ~1, strata = ~service, data = df), service == \"%s\")), quote(%%s))", s),
    dfcall = sprintf("degf(subset(svydesign(ids = ~1, strata = ~service, data = df), service == \"%s\"))", s))
}

for (cs in cases) {
  for (kind in c("element", "criterion")) {
    codes <- if (kind == "element") names(elements) else criteria
    p <- c()
    for (code in codes) {
      expr <- versus(kind, code, cs$prefixes)
      con <- svycontrast(cs$tot, parse(text = expr)[[1]])
      what <- sprintf("%s - mean of the other %ss", code, kind)
      call <- sprintf(cs$call, what)
      add(cs$case, cs$group, kind, code, "difference", coef(con)[[1]], call)
      add(cs$case, cs$group, kind, code, "se", SE(con)[[1]], call)
      pv <- 2 * pt(-abs(coef(con)[[1]] / SE(con)[[1]]), cs$df)
      add(cs$case, cs$group, kind, code, "p_value", pv,
          sprintf("2 * pt(-abs(coef(con) / SE(con)), %s), con = %s", cs$dfcall, call))
      p <- c(p, pv)
    }
    adj <- p.adjust(p, "holm")
    for (k in seq_along(codes)) {
      add(cs$case, cs$group, kind, codes[k], "p_holm", adj[k],
          sprintf("p.adjust(p, \"holm\") over the %d %ss' p-values", length(codes), kind))
    }
  }
}

out <- do.call(rbind, rows)
out$r_version <- paste0("R ", getRversion(), ", survey ", packageVersion("survey"))
write.csv(out, out_file, row.names = FALSE)
cat("wrote", nrow(out), "reference values to", out_file, "\n")
