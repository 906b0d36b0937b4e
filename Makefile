# Tiny-ONN: `make run` sets up and runs the main job; `make test` sets up and runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run curvature-report test docs docs-check export clean help

help:
	@echo "make run    - set up .venv and run the main job (train + evaluate Tiny-ONN on ARC, runs/arc_cpu/)"
	@echo "make curvature-report - run the curvature notebook's slow experiments (figures/curvature_*.png)"
	@echo "make test   - set up .venv, run nbdev_test on every notebook, check the export is in sync"
	@echo "make docs   - render every notebook to HTML with its plots into _docs/"
	@echo "make docs-check - open _docs/ in headless Chromium and check every page and image loads"

# The environment: torch is held at the CPU build on disk by constraints.txt; BackPACK goes in
# with --no-deps (its torchvision requirement would pull a multi-GB CUDA torch).
$(STAMP): settings.ini setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip wheel setuptools
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/pip install -q -c constraints.txt --no-deps "backpack-for-pytorch==1.7.1"
	$(BIN)/python -c "import torch, tiny_onn, backpack; print('torch', torch.__version__, '| tiny_onn', tiny_onn.__version__)"
	touch $(STAMP)

setup: $(STAMP)

export: setup
	$(BIN)/nbdev_export

# The main job: train the default Tiny-ONN (MLP-routed DynMoE + FARS, AdaRMSuon) on ARC-AGI-1 training
# tasks on the CPU (<= 30 min on 2 cores), evaluate it, write runs/arc_cpu/ and figures/train_*.png.
run: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/tiny-onn train --config configs/arc_cpu.yaml --resume --eval
	@echo "report: runs/arc_cpu/report.md"; ls -l figures/train_*.png

# The curvature report: the curvature notebook with its slow experiments (BackPACK benchmark, figures).
curvature-report: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python scripts/run_nb.py nbs/01_curvature.ipynb --flags slow --no-save
	@ls -l figures/curvature_*.png

test: setup
	PATH=$(CURDIR)/$(BIN):$$PATH bash scripts/test.sh

docs: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python scripts/build_docs.py

docs-check: docs
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python scripts/check_docs.py

clean:
	rm -rf _docs _proc
