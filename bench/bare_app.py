"""Baseline: a bare Flask app returning a constant page, served like the real one."""
from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><title>baseline</title><p>" + "x" * 1000


@app.get("/")
def index():
    return PAGE
