"""Scaffold of notebooks/00 (kept so the notebook's structure can be regenerated and reviewed as code).

The executive summary runs after the four analyses (cx run submits it when they have succeeded) and reads
their headline figures from ``results`` (the batch passes the merged results so far) or, run by hand, from
the published ``<out>/results.json``. Every figure it states is one of those numbers, never recomputed,
so the summary cannot disagree with the detail notebooks. Only the value-at-stake scenarios are computed
here.

Run: .venv/bin/python tools/make_notebook_00.py
"""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# Executive summary\n\n"
       "*What emotional connection is worth to this client, what drives it, and what is at stake. Every number "
       "comes with its 95% confidence interval and the number of customers (n) behind it; the links lead to the "
       "detailed reports.*"),
    code('engagement = "../data/demo-retailer"  # engagement folder\n'
         'seed = 0  # random seed for every resampling step\n'
         'out = "../reports/demo-retailer"  # where this engagement\'s report is published\n'
         'results = None  # path of the analyses\' merged results (set by cx run); default <out>/results.json\n'
         'n_boot = 500  # bootstrap resamples for the value-at-stake scenarios\n'
         'scenario_shares = [0.25, 1.0]  # shares of highly satisfied customers who become fully connected\n'
         'element_points = 1  # rise in a hidden driver\'s rating for the element scenario',
         metadata={"tags": ["parameters"]}),
    code("import json\n"
         "from pathlib import Path\n\n"
         "import matplotlib.pyplot as plt\n"
         "import pandas as pd\n"
         "from IPython.display import Markdown, display\n\n"
         "import cxlib as cx\n"
         "from cxlib import plots, report, simulate\n\n"
         "plots.set_theme()\n"
         "source = Path(results) if results else Path(out) / 'results.json'\n"
         "if not source.exists():\n"
         "    raise FileNotFoundError(f'{source} not found: run the analyses first (cx run {engagement})')\n"
         "R = json.loads(source.read_text(encoding='utf-8'))\n"
         "eng = cx.load_engagement(engagement)\n"
         "cfg = eng.config\n"
         "weight = cfg.get('weight')\n"
         "min_cell = cfg['privacy']['min_cell']\n"
         "att = cfg.get('attrition')\n"
         "adv = cfg.get('advocacy')\n"
         "value_col = cfg['value'][0]\n"
         "value_name = report.pretty(value_col)\n"
         "pct = lambda e: f\"{e['estimate']:.0%} (95% CI {e['ci_low']:.0%}–{e['ci_high']:.0%}; n={e['n']:,})\"\n"
         "times = lambda e: f\"{e['estimate']:.2f}× (95% CI {e['ci_low']:.2f}–{e['ci_high']:.2f}; n={e['n']:,})\"\n"
         "shown = {}  # every figure stated here, by key, for the consistency check against results.json"),
    code("claims = []\n"
         "shares, vm = R.get('segment_shares'), R.get('value_multiplier')\n"
         "if shares and vm:\n"
         "    fc = shares['fully connected']\n"
         "    claims.append(f\"**Connection is worth money.** {fc['estimate']:.0%} of customers are fully connected \"\n"
         "                  f\"(95% CI {fc['ci_low']:.0%}–{fc['ci_high']:.0%}; n={R.get('n_respondents', fc['n']):,}). A fully connected \"\n"
         "                  f\"customer is worth **{times(vm)}** a highly satisfied one in {value_name.lower()}. \"\n"
         "                  '[Details](01_motivator_discovery.html)')\n"
         "    shown['value_multiplier'] = vm['estimate']\n"
         "    shown['segment_shares.fully connected'] = fc['estimate']\n"
         "if R.get('top_motivators'):\n"
         "    names = [m['motivator'] for m in R['top_motivators']]\n"
         "    claims.append('**What connects them.** The emotional motivators that matter most here: '\n"
         "                  + ', '.join(f\"*{m['motivator']}* ({m['estimate']:.0f}% of the explained difference, 95% CI {m['ci_low']:.0f}–{m['ci_high']:.0f})\"\n"
         "                              for m in R['top_motivators']) + '. [Details](01_motivator_discovery.html)')\n"
         "    shown['top_motivators'] = names\n"
         "hidden, over = R.get('hidden_drivers') or [], R.get('overrated') or []\n"
         "if 'hidden_drivers' in R:\n"
         "    h = ', '.join(f\"*{d['element']}*\" for d in hidden[:4]) or 'none'\n"
         "    o = ', '.join(f\"*{d['element']}*\" for d in over[:4]) or 'none'\n"
         "    claims.append(f'**Where to act.** Hidden drivers — rated unimportant by customers but strongly tied to connection: {h}. '\n"
         "                  f'Overrated — customers say they matter, connection barely moves with them: {o}. '\n"
         "                  '[Details](02_driver_analysis.html)')\n"
         "    shown['hidden_drivers'] = [d['element'] for d in hidden]\n"
         "    shown['overrated'] = [d['element'] for d in over]\n"
         "if R.get('attrition') and (R.get('hazard_ratio') or {}).get('estimate') is None:\n"
         "    claims.append('**Attrition.** ' + (R.get('hazard_ratio') or {}).get('note', 'no hazard ratio was estimated').capitalize()\n"
         "                  + '. [Details](03_attrition_survival.html)')\n"
         "elif R.get('attrition') and R.get('hazard_ratio'):\n"
         "    a, hr = R['attrition'], R['hazard_ratio']\n"
         "    claims.append(f\"**Connected customers stay.** Within {a['fully connected']['horizon']:g} days {pct(a['fully connected'])} \"\n"
         "                  f\"of fully connected customers left, against {pct(a['highly satisfied'])} of highly satisfied ones; at any \"\n"
         "                  f\"moment a fully connected customer is {times(hr).replace('×', '× as likely')} to leave. \"\n"
         "                  '[Details](03_attrition_survival.html)')\n"
         "    shown['attrition.fully connected'] = a['fully connected']['estimate']\n"
         "    shown['hazard_ratio'] = hr['estimate']\n"
         "if R.get('nps'):\n"
         "    n_ = R['nps']\n"
         "    seg_txt = (f\" — {n_['fully connected']['estimate']:+.0f} among fully connected customers against \"\n"
         "               f\"{n_['highly satisfied']['estimate']:+.0f} among highly satisfied ones\"\n"
         "               if 'fully connected' in n_ and 'highly satisfied' in n_ else '')\n"
         "    o_ = n_['overall']\n"
         "    claims.append(f\"**Advocacy.** Net Promoter Score (% promoters − % detractors) is {o_['estimate']:+.0f} (95% CI \"\n"
         "                  f\"{o_['ci_low']:+.0f} to {o_['ci_high']:+.0f}; n={o_['n']:,}){seg_txt}. [Details](04_advocacy_programme.html)\")\n"
         "    shown['nps.overall'] = o_['estimate']\n"
         "if R.get('waves'):\n"
         "    w = R['waves']\n"
         "    parts = []\n"
         "    for m, label, k, unit in (('connected', 'fully connected share', 100, ' points'), ('attrition', 'attrition', 100, ' points'),\n"
         "                              ('advocacy', 'promoters', 100, ' points'), ('nps', 'NPS', 1, '')):\n"
         "        if m in w:\n"
         "            e = w[m]\n"
         "            real = 'significant' if e['p_adjusted'] < 0.05 else 'not significant'\n"
         "            parts.append(f\"{label} {e['estimate'] * k:+.1f}{unit} (95% CI {e['ci_low'] * k:+.1f} to {e['ci_high'] * k:+.1f}; {real})\")\n"
         "            shown[f'waves.{m}'] = e['estimate']\n"
         "    claims.append(f\"**The programme.** From {w['before']} to {w['after']}: \" + '; '.join(parts) + '. [Details](04_advocacy_programme.html)')\n"
         "display(Markdown(f'## {eng.client}: the story in {len(claims)} points\\n\\n' + '\\n\\n'.join(f'{i}. {c}' for i, c in enumerate(claims, 1))))"),
    md("## Connection is worth money"),
    code("if shares and vm:\n"
         "    fig, ax = plt.subplots(figsize=(9, 2.8))\n"
         "    d = pd.DataFrame([{'segment': s, **e} for s, e in shares.items()])\n"
         "    plots.estimates(d.assign(label=d['segment'].str.capitalize()), label='label', scale=100, fmt='{:.0f}%', colour_by='segment',\n"
         "                    xlabel='Share of customers (%), with 95% CI',\n"
         "                    title=f\"Who is connected (n={R.get('n_respondents', int(d['n'].sum())):,})\", ax=ax)\n"
         "    plt.show()\n"
         "    display(Markdown(f\"A fully connected customer is worth **{times(vm)}** a highly satisfied one in {value_name.lower()}.\"))"),
    md("## What connects them and where to act"),
    code("if R.get('top_motivators'):\n"
         "    fig, ax = plt.subplots(figsize=(9, 2.6))\n"
         "    d = pd.DataFrame(R['top_motivators'])\n"
         "    plots.estimates(d.assign(label=d['motivator'].str.capitalize()), label='label', fmt='{:.0f}%',\n"
         "                    xlabel=f'Share of the explained difference in {value_name.lower()} (%), with 95% CI',\n"
         "                    title=f\"The motivators that matter most (n={int(d['n'].max()):,})\", ax=ax)\n"
         "    plt.show()\n"
         "if hidden or over:\n"
         "    d = pd.DataFrame([{**x, 'quadrant': 'hidden driver'} for x in hidden] + [{**x, 'quadrant': 'overrated'} for x in over])\n"
         "    fig, ax = plt.subplots(figsize=(9, 0.45 * len(d) + 1.2))\n"
         "    plots.estimates(d.assign(label=d['element'] + ' (' + d['quadrant'] + ')'), label='label', fmt='{:.1f}', colour_by='quadrant',\n"
         "                    xlabel='Derived importance: % of the explained connection, with 95% CI',\n"
         "                    title=f\"Hidden drivers to act on, overrated elements to keep at par (n={int(d['n'].max()):,})\", ax=ax)\n"
         "    plt.show()"),
    md("## Connected customers stay and recommend"),
    code("if R.get('attrition'):\n"
         "    d = pd.DataFrame([{'segment': s, **e} for s, e in R['attrition'].items() if e.get('n', 0) >= min_cell])\n"
         "    fig, ax = plt.subplots(figsize=(9, 2.6))\n"
         "    plots.estimates(d.assign(label=d['segment'].str.capitalize()), label='label', scale=100, fmt='{:.0f}%', colour_by='segment',\n"
         "                    xlabel=f\"Left within {d['horizon'].iloc[0]:g} days (%), with 95% CI\",\n"
         "                    title=f\"Attrition by segment (n={int(d['n'].sum()):,})\", ax=ax)\n"
         "    plt.show()\n"
         "if R.get('nps'):\n"
         "    d = pd.DataFrame([{'segment': s, **e} for s, e in R['nps'].items() if s != 'overall'])\n"
         "    fig, ax = plt.subplots(figsize=(9, 2.6))\n"
         "    plots.estimates(d.assign(label=d['segment'].str.capitalize()), label='label', fmt='{:+.0f}', colour_by='segment',\n"
         "                    xlabel='Net Promoter Score (−100 to +100), with 95% CI', reference=0,\n"
         "                    title=f\"Net Promoter Score by segment (n={int(d['n'].sum()):,})\", ax=ax)\n"
         "    plt.show()"),
    md("## The programme: before and after"),
    code("if R.get('waves'):\n"
         "    w = R['waves']\n"
         "    card = pd.DataFrame([{'metric': m, 'before': e['before'], 'after': e['after'], 'change': e['estimate'],\n"
         "                          'ci_low': e['ci_low'], 'ci_high': e['ci_high'], 'p_adjusted': e['p_adjusted'],\n"
         "                          'n_before': e.get('n_before', e['n']), 'n_after': e.get('n_after', 0)}\n"
         "                         for m, e in w.items() if isinstance(e, dict)])\n"
         "    fig, ax = plt.subplots(figsize=(9, 4))\n"
         "    plots.wave_scorecard(card, ax=ax, title=f\"What changed from {w['before']} to {w['after']} \"\n"
         "                         f\"(n={int(card['n_before'].max() + card['n_after'].max()):,})\")\n"
         "    plt.show()\n"
         "else:\n"
         "    display(Markdown('This engagement has a single wave.'))"),
    md("## Value at stake\n\n"
       "What would follow if more customers were fully connected? Each scenario assumes that customers who become "
       "fully connected then behave like the fully connected customers already in the data (their value, attrition "
       "and advocacy), and that nobody else changes. These are the engagement's own estimates carried forward, not "
       "a forecast; the intervals come from resampling the respondents."),
    code("outcomes = simulate.Outcomes(value=value_col, duration=att['duration'] if att else None,\n"
         "                             event=att['event'] if att else None, horizon=att['horizon'] if att else 365,\n"
         "                             advocacy=adv['column'] if adv else None)\n"
         "frame = eng.frame()\n"
         "customers = len(eng.customers)\n"
         "scenarios = [(f'{q:.0%} of highly satisfied become fully connected',\n"
         "              simulate.connect_share(frame, share=q, outcomes=outcomes, weight=weight, customers=customers,\n"
         "                                     n_boot=n_boot, seed=seed)) for q in scenario_shares]\n"
         "if hidden:\n"
         "    top = hidden[0]['element']\n"
         "    scenarios.append((f\"{top}: rated {element_points:g} point{'' if element_points == 1 else 's'} higher\",\n"
         "                      simulate.improve_element(frame, eng.codebook, element=top, points=element_points,\n"
         "                                               threshold=cfg['connection']['threshold'], outcomes=outcomes,\n"
         "                                               weight=weight, customers=customers, n_boot=n_boot, seed=seed)))\n"
         "labels = {'connected_share': ('Fully connected share', 100, ' pts'), 'value_total': (f'{value_name}, all customers', 1, ''),\n"
         "          'customers_kept': ('Customers still active at the horizon', 1, ''), 'promoter_share': ('Promoters', 100, ' pts')}\n"
         "rows = []\n"
         "for name, res in scenarios:\n"
         "    r = res.set_index('outcome')\n"
         "    row = {'Scenario': name}\n"
         "    for key, (lab, k, unit) in labels.items():\n"
         "        if key in r.index:\n"
         "            e = r.loc[key]\n"
         "            row[lab] = f'{e.change * k:+,.1f}{unit} ({e.ci_low * k:+,.1f} to {e.ci_high * k:+,.1f})' if k != 1 else \\\n"
         "                f'{e.change:+,.0f} ({e.ci_low:+,.0f} to {e.ci_high:+,.0f})'\n"
         "    rows.append(row)\n"
         "display(Markdown(f'Changes for the {customers:,} customers, with 95% intervals:'))\n"
         "display(pd.DataFrame(rows).style.hide(axis='index').format(escape='html'))\n"
         "d = pd.DataFrame([{'label': name, **res.set_index('outcome').loc['value_total', ['change', 'ci_low', 'ci_high', 'n']]}\n"
         "                  for name, res in scenarios]).rename(columns={'change': 'estimate'})\n"
         "fig, ax = plt.subplots(figsize=(9, 0.6 * len(d) + 1.2))\n"
         "plots.estimates(d, label='label', fmt='{:+,.0f}', xlabel=f'Change in {value_name.lower()} across all customers, with 95% CI',\n"
         "                title=f'Value at stake (n={int(d[\"n\"].max()):,} respondents)', ax=ax)\n"
         "plt.show()\n"
         "display(Markdown('\\n'.join(f'- *{name}*: {res.attrs[\"assumption\"]}' for name, res in scenarios)))"),
    md("## Methods appendix\n\n"
       "How the numbers in these reports were made, in brief; each detailed report ends with its own notes."),
    code("display(Markdown(report.methods_common(eng) + '\\n' + '\\n'.join([\n"
         "    '- **Estimators.** Value multiplier by bias-corrected bootstrap (BCa); motivator and driver importance by '\n"
         "    'relative weights (Johnson) with bootstrap intervals; attrition by Kaplan–Meier and Cox models; NPS with its '\n"
         "    'analytic variance; wave changes with Newcombe intervals and Holm-adjusted p-values.',\n"
         "    f'- **Scenarios.** {n_boot:,} bootstrap resamples, seed {seed}.',\n"
         "])))"),
    code("report.record('executive_summary', {'claims': len(claims), 'figures': shown,\n"
         "                                    'value_at_stake': {name: report.estimate_dict(v.change, v.ci_low, v.ci_high, int(v.n))\n"
         "                                                       for name, res in scenarios\n"
         "                                                       for v in [res.set_index('outcome').loc['value_total']]}})"),
]
for i, cell in enumerate(cells):
    cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating the notebook gives a reviewable diff
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nb.metadata["title"] = "Executive summary"
nbf.write(nb, "notebooks/00_executive_summary.ipynb")
