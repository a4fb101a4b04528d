# Reference values for analysis/ at the edges, from R's survey package.
#
# Usage (from the repository root):
#   Rscript tests/reference/make_edges.R [OUT.csv]
# Reads edges.csv (written by make_data.py with a fixed seed: small strata,
# one with a single response, one sampled in full) and writes
# edges_reference.csv (default): one value per row with the R call that
# produced it. tests/analysis/test_edges_r.py compares analysis with the
# stored file always, and reruns this script when Rscript and survey are
# installed.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
here <- "tests/reference"
out_file <- if (length(args) >= 1) args[1] else file.path(here, "edges_reference.csv")

criteria <- c(paste0("TC", 1:3), paste0("TT", 1:4), paste0("CC", 1:3),
              paste0("KQ", 1:3), paste0("PA", 1:3))
elements <- split(criteria, factor(substr(criteria, 1, 2),
                                   levels = c("TC", "TT", "CC", "KQ", "PA")))

score <- function(df, method) {
  for (code in criteria) {
    x <- df[[code]]
    df[[paste0("a_", code)]] <- as.numeric(!is.na(x))
    df[[paste0("y_", code)]] <- if (method == "top2box") as.numeric(!is.na(x) & x >= 4)
                                else ifelse(is.na(x), 0, (x - 1) / 4)
  }
  df
}
# SIPAS as an expression of svytotal coefficients, optionally prefixed by a
# domain ("U1:") as svyby names them
sipas_expr <- function(prefix = "") {
  el <- sapply(elements, function(codes) sprintf("(%s)/%d", paste0(
    "`", prefix, "y_", codes, "`/`", prefix, "a_", codes, "`", collapse = " + "), length(codes)))
  sprintf("(%s)/%d", paste(el, collapse = " + "), length(el))
}
totals_formula <- as.formula(paste("~", paste(c(paste0("y_", criteria), paste0("a_", criteria)),
                                              collapse = " + ")))

rows <- list()
add <- function(case, design, lonely, dof, by, group, method, code, quantity, value, call) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, design = design, lonely = lonely, dof = dof, by = by, group = group,
    method = method, code = code, quantity = quantity, value = sprintf("%.17g", value),
    call = call, stringsAsFactors = FALSE)
}
designs <- c(
  weights_only = "svydesign(ids = ~1, weights = ~weight, data = df)",
  weighted = "svydesign(ids = ~1, strata = ~service, weights = ~weight, data = df)",
  fpc = "svydesign(ids = ~1, strata = ~service, weights = ~weight, fpc = ~population, data = df)")
make <- function(id, method) {
  df <- score(read.csv(file.path(here, "edges.csv")), method)
  list(df = df, des = eval(parse(text = designs[[id]])))
}

suppressWarnings({
  # 1. lonely strata: E4 has a single response
  for (id in c("weighted", "fpc")) {
    d <- make(id, "top2box"); des <- d$des
    for (rule in c("certainty", "adjust", "average")) {
      options(survey.lonely.psu = rule)
      r <- svyratio(~y_TC1, ~a_TC1, des)
      add("lonely", id, rule, "", "", "", "top2box", "TC1", "se", SE(r),
          sprintf('options(survey.lonely.psu = "%s"); svyratio(~y_TC1, ~a_TC1, des)', rule))
      con <- svycontrast(svytotal(totals_formula, des), parse(text = sipas_expr())[[1]])
      add("lonely", id, rule, "", "", "", "top2box", "SIPAS", "se", SE(con),
          sprintf('options(survey.lonely.psu = "%s"); svycontrast(svytotal(~y_TC1 + ... + a_PA3, des), quote(SIPAS))', rule))
    }
    options(survey.lonely.psu = "fail")
    msg <- tryCatch({svyratio(~y_TC1, ~a_TC1, des); "no error"}, error = conditionMessage)
    add("lonely", id, "fail", "", "", "", "top2box", "TC1", "error", NA,
        paste('options(survey.lonely.psu = "fail"); svyratio(~y_TC1, ~a_TC1, des) ->', msg))
  }
  options(survey.lonely.psu = "adjust")

  # 2. design-based effective size and the score-type ("beta") interval
  for (id in c("weighted", "fpc")) {
    d <- make(id, "top2box"); df <- d$df; des <- d$des
    for (g in c("", "U1", "U2")) {
      for (code in criteria) {
        keep <- df[[paste0("a_", code)]] == 1 & (g == "" | df$unit == g)
        sub <- des[keep, ]
        dom <- sprintf("subset(des, a_%s == 1%s)", code, if (g == "") "" else sprintf(' & unit == "%s"', g))
        m <- svymean(as.formula(paste0("~y_", code)), sub)
        p <- coef(m)[[1]]
        if (p <= 0 || p >= 1) next
        add("n_eff", id, "adjust", "", if (g == "") "" else "unit", g, "top2box", code, "n_eff",
            p * (1 - p) / vcov(m)[[1]], sprintf("coef(m) * (1 - coef(m)) / vcov(m), m = svymean(~y_%s, %s)", code, dom))
        # its n.eff correction (qt(n - 1) / qt(degf))^2 ignores df: only the default
        ci <- attr(svyciprop(as.formula(paste0("~y_", code)), sub, method = "beta"), "ci")
        call <- sprintf("svyciprop(~y_%s, %s, method = \"beta\")", code, dom)
        add("n_eff", id, "adjust", "degf", if (g == "") "" else "unit", g, "top2box", code, "ci_low", ci[[1]], call)
        add("n_eff", id, "adjust", "degf", if (g == "") "" else "unit", g, "top2box", code, "ci_high", ci[[2]], call)
      }
    }
  }

  # 3. degrees of freedom of the logit interval (mean_pct criteria)
  for (id in c("weighted", "fpc")) {
    d <- make(id, "mean_pct"); df <- d$df; des <- d$des
    for (g in c("", "U1", "U2")) {
      for (code in criteria) {
        keep <- df[[paste0("a_", code)]] == 1 & (g == "" | df$unit == g)
        sub <- des[keep, ]
        dom <- sprintf("subset(des, a_%s == 1%s)", code, if (g == "") "" else sprintf(' & unit == "%s"', g))
        for (dof in c("degf", "inf")) {
          ci <- if (dof == "degf") attr(svyciprop(as.formula(paste0("~y_", code)), sub, method = "logit"), "ci")
                else attr(svyciprop(as.formula(paste0("~y_", code)), sub, method = "logit", df = Inf), "ci")
          call <- sprintf("svyciprop(~y_%s, %s, method = \"logit\"%s)", code, dom,
                          if (dof == "degf") "" else ", df = Inf")
          add("logit_df", id, "adjust", dof, if (g == "") "" else "unit", g, "mean_pct", code, "ci_low", ci[[1]], call)
          add("logit_df", id, "adjust", dof, if (g == "") "" else "unit", g, "mean_pct", code, "ci_high", ci[[2]], call)
        }
      }
    }
  }

  # 4. 2025 minus 2024 inside one sample: joint design with the domains'
  # covariance (the periods share strata)
  for (id in c("weighted", "fpc")) {
    d <- make(id, "top2box"); des <- d$des
    for (code in criteria) {
      b <- svyby(as.formula(paste0("~y_", code)), ~period, des, svyratio,
                 denominator = as.formula(paste0("~a_", code)), covmat = TRUE)
      con <- svycontrast(b, c(-1, 1))
      call <- sprintf("svycontrast(svyby(~y_%s, ~period, des, svyratio, denominator = ~a_%s, covmat = TRUE), c(-1, 1))", code, code)
      add("compare", id, "adjust", "", "period", "2025-2024", "top2box", code, "estimate", coef(con), call)
      add("compare", id, "adjust", "", "period", "2025-2024", "top2box", code, "se", SE(con), call)
    }
    b <- svyby(totals_formula, ~period, des, svytotal, covmat = TRUE)
    con <- svycontrast(b, parse(text = sprintf("(%s) - (%s)", sipas_expr("2025:"), sipas_expr("2024:")))[[1]])
    call <- "svycontrast(svyby(~y_TC1 + ... + a_PA3, ~period, des, svytotal, covmat = TRUE), quote(SIPAS_2025 - SIPAS_2024))"
    add("compare", id, "adjust", "", "period", "2025-2024", "top2box", "SIPAS", "estimate", coef(con), call)
    add("compare", id, "adjust", "", "period", "2025-2024", "top2box", "SIPAS", "se", SE(con), call)
  }

  # 5. aggregation: the mean of services' (or units') indices, with its variance
  for (id in c("weighted", "fpc")) {
    d <- make(id, "top2box"); des <- d$des
    for (over in c("service", "unit")) {
      rule <- if (over == "service") "mean_of_services" else "mean_of_units"
      b <- svyby(totals_formula, as.formula(paste0("~", over)), des, svytotal, covmat = TRUE)
      doms <- sort(unique(d$df[[over]]))
      for (code in c(criteria, "SIPAS")) {
        parts <- if (code == "SIPAS") sapply(doms, function(s) sipas_expr(paste0(s, ":")))
                 else sprintf("`%s:y_%s`/`%s:a_%s`", doms, code, doms, code)
        expr <- sprintf("(%s)/%d", paste0("(", parts, ")", collapse = " + "), length(doms))
        con <- svycontrast(b, parse(text = expr)[[1]])
        call <- sprintf("svycontrast(svyby(~y_TC1 + ... + a_PA3, ~%s, des, svytotal, covmat = TRUE), quote(mean over %s of %s))",
                        over, over, code)
        add("aggregation", id, "adjust", "", rule, "", "top2box", code, "estimate", coef(con), call)
        add("aggregation", id, "adjust", "", rule, "", "top2box", code, "se", SE(con), call)
      }
    }
  }

  # 6. shares of a categorical answer (TC1 read as options 1-5) with weights:
  # the design's effective size, as svyciprop would use it
  df <- read.csv(file.path(here, "edges.csv"))
  des0 <- svydesign(ids = ~1, weights = ~weight, data = df)
  sub <- subset(des0, !is.na(TC1))
  for (o in sort(unique(na.omit(df$TC1)))) {
    m <- svymean(as.formula(sprintf("~I(TC1 == %d)", o)), sub)
    p <- coef(m)[[2]]
    v <- vcov(m)[2, 2]
    if (p <= 0 || p >= 1) next
    add("shares", "weights_only", "", "", "", as.character(o), "", "TC1", "n_eff", p * (1 - p) / v,
        sprintf("p(1 - p) / vcov, svymean(~I(TC1 == %d), subset(svydesign(ids = ~1, weights = ~weight, data = df), !is.na(TC1)))", o))
  }
})

out <- do.call(rbind, rows)
out$design_call <- designs[out$design]
out$r_version <- paste0("R ", getRversion(), ", survey ", packageVersion("survey"))
write.csv(out, out_file, row.names = FALSE)
cat("wrote", nrow(out), "reference values to", out_file, "\n")
