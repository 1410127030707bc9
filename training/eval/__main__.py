from training.eval.cli import app

app(prog_name="python -m training.eval")
