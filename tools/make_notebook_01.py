"""One-off scaffold for notebooks/01 (kept for reference; the notebook is the source now)."""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# Emotional connection and what it is worth\n\n"
       "*Notebook 01 of the cxlib workbook: motivator discovery and the value of connection.*"),
    code('engagement = "../data/demo-retailer"  # engagement folder\n'
         'seed = 0  # random seed for every resampling step\n'
         'out = "../reports/demo-retailer"  # where this engagement\'s report is published',
         metadata={"tags": ["parameters"]}),
    code("import matplotlib.pyplot as plt\n"
         "from IPython.display import Markdown, display\n\n"
         "import cxlib as cx\n"
         "from cxlib import plots, report, segments\n\n"
         "plots.set_theme()\n"
         "eng = cx.load_engagement(engagement)\n"
         "frame = eng.frame()\n"
         "cfg = eng.config\n"
         "weight = cfg.get('weight')\n"
         "shares = segments.shares(frame, weight=weight)\n"
         "fc = shares.set_index('segment').loc['fully connected']\n"
         "n_segmented = int(shares['n'].sum())"),
    code("display(Markdown(\n"
         "    f\"**{eng.client}.** Of {n_segmented:,} surveyed customers who could be placed in a segment, \"\n"
         "    f\"**{fc.share:.0%}** are *fully connected* (95% CI {fc.ci_low:.0%}–{fc.ci_high:.0%}): \"\n"
         "    \"their emotional connection to the brand is strong, not merely their satisfaction.\"\n"
         "))"),
    md("## Who is connected\n\n"
       "Every respondent falls in one of three segments. **Fully connected** customers score at or above the "
       "connection threshold on the emotional-motivator questions. **Highly satisfied** customers are not fully "
       "connected but give the top satisfaction scores. Everyone else is **other**."),
    code("ax = plots.segment_shares(shares)\nplt.show()"),
    code("display(report.share_table(shares, label='Segment'))"),
    md("## How strong the connection is\n\n"
       "The *connection index* (0–100) averages each customer's answers to the emotional-motivator questions, "
       "each rescaled to 0–100. The dashed line is the threshold for being fully connected."),
    code("ax = plots.index_distribution(frame, threshold=cfg['connection']['threshold'])\nplt.show()"),
    md("## Notes on method and sample"),
    code("display(Markdown(report.sample_notes(eng, frame, shares)))"),
    code("report.record('client', eng.client)\n"
         "report.record('n_respondents', n_segmented)\n"
         "report.record('segment_shares', {\n"
         "    r.segment: report.estimate_dict(r.share, r.ci_low, r.ci_high, r.n, n_effective=r.n_effective)\n"
         "    for r in shares.itertuples()\n"
         "})"),
]
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nb.metadata["title"] = "Emotional connection and what it is worth"
nbf.write(nb, "notebooks/01_motivator_discovery.ipynb")
