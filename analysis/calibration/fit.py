"""``calibrate(spec, out)``: run the fit and write what it found.

Outputs in ``out``:

- ``evaluations.jsonl``: every evaluation (parameters, simulated moments, seconds), the resume log;
- ``loss_history.csv``: evaluation number, parameters, loss, whether it was reused from the log;
- ``fitted.json``: fitted values, standard errors, the moments recorded and simulated at the fit,
  the sensitivity of each estimate to each moment, the spec, seeds and timing;
- ``convergence.png``: the loss by evaluation and its running minimum.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysis.calibration.msm import Evaluator, moments_frame, target_moments
from analysis.calibration.spec import CalibrationSpec
from analysis.writing import write_text_atomic
from sim.errors import InputError


def calibrate(
    spec: CalibrationSpec,
    out: str | Path,
    *,
    executor=None,
    scenario_dir: Path | None = None,
    progress: bool = False,
    standard_errors: bool = True,
) -> dict:
    """Fit the spec's parameters by the method of simulated moments (see :mod:`analysis.calibration.msm`).

    Returns:
        The content of ``fitted.json``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import estimagic as em
        import optimagic as om

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    moments = target_moments(spec)
    if not moments:
        raise InputError("spec", "episodes", "at least one episode with a recorded swing")
    started = time.perf_counter()
    names = list(spec.parameters)
    start = np.array([spec.parameters[n].start for n in names])
    bounds = om.Bounds(
        lower=np.array([spec.parameters[n].lower for n in names]),
        upper=np.array([spec.parameters[n].upper for n in names]),
    )
    with tqdm(total=spec.max_evaluations, desc="calibrate", unit="eval", disable=not progress, leave=False) as bar:
        evaluator = Evaluator(spec, moments, out / "evaluations.jsonl", executor, scenario_dir, bar)
        empirical = np.array([m.empirical for m in moments])
        cov = np.diag(np.array([m.se for m in moments]) ** 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = em.estimate_msm(
                evaluator.simulate,
                empirical,
                cov,
                start,
                optimize_options={
                    "algorithm": spec.algorithm,
                    "algo_options": {"stopping_maxfun": spec.max_evaluations},
                },
                bounds=bounds,
                weights="diagonal",
                jacobian_numdiff_options={"method": "central"} if standard_errors else None,
            )
    fitted = np.asarray(result.params, dtype=float)
    se = _safe(lambda: np.asarray(result.se(), dtype=float)) if standard_errors else None
    sensitivity = _safe(lambda: np.asarray(result.sensitivity(kind="bias"), dtype=float)) if standard_errors else None
    simulated = evaluator.simulate(fitted)
    history = pd.DataFrame(evaluator.history)
    write_text_atomic(out / "loss_history.csv", history.to_csv(index=False))
    record = {
        "method": f"estimagic.estimate_msm, diagonal weights, optimagic {spec.algorithm}",
        "parameters": {
            n: {
                "value": float(v),
                "se": None if se is None or not np.isfinite(se[i]) else float(se[i]),
                "start": spec.parameters[n].start,
                "lower": spec.parameters[n].lower,
                "upper": spec.parameters[n].upper,
            }
            for i, (n, v) in enumerate(zip(names, fitted, strict=True))
        },
        "moments": moments_frame(moments, simulated).to_dict(orient="records"),
        "loss": evaluator.loss(simulated),
        "sensitivity_bias": None
        if sensitivity is None
        else {
            n: dict(zip([m.name for m in moments], map(float, row), strict=True))
            for n, row in zip(names, sensitivity, strict=True)
        },
        "evaluations": int(len(history)),
        "simulated_evaluations": int((~history["reused"]).sum()) if len(history) else 0,
        "seed": spec.seed,
        "runs": spec.runs,
        "spec": spec.model_dump(),
        "wall_seconds": round(time.perf_counter() - started, 2),
    }
    write_text_atomic(out / "fitted.json", json.dumps(record, indent=2))
    convergence_figure(history, out / "convergence.png")
    return record


def _safe(fn):
    """The value of ``fn()``, or ``None`` when the Jacobian is singular (a parameter without effect)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return None


def convergence_figure(history: pd.DataFrame, path: Path) -> None:
    """Loss by evaluation and its running minimum (log scale), saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    loss = history["loss"].to_numpy(float)
    ax.plot(history["evaluation"], loss, ".", ms=3, color="0.6", label="evaluation")
    ax.plot(history["evaluation"], np.minimum.accumulate(loss), "-", color="C0", label="best so far")
    ax.set_yscale("log")
    ax.set_xlabel("evaluation")
    ax.set_ylabel("MSM loss")
    ax.legend(frameon=False)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(path)
