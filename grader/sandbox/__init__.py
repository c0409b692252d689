"""Sandboxes that run student notebooks: engines behind one `Session` interface.

- `inprocess`: exec in this process. Only for trusted code (the bank's own references and
  mutants in tests); it exists so checks can be written and tested without a sandbox.
- `fork`: a warm zygote (torch and IPython already imported) forks one child per submission.
- `kernel`: a real ipykernel driven by nbclient, for full Jupyter fidelity.
"""
