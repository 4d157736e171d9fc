"""Quick bench of the coverage export (issue 15, part 3): in-app (one fiche changed since the last call) vs a plain
SQLite GROUP BY vs pandas on the same data in memory, results checked equal; the CLI end to end (csv, parquet) vs the
sqlite3 shell. Usage: .venv/bin/python bench/bench_export_couverture.py <store.sqlite> [repetitions]
(the store from `passeport generer`; run from the repository root)."""
import os, sys, time, sqlite3, subprocess, statistics, tempfile
from pathlib import Path
TMP = tempfile.mkdtemp(prefix="bench_export_")
sys.path.insert(0, os.getcwd())
import pandas as pd
import analytics
from analytics import fichier_couverture
from passeport import referentiel

chemin = sys.argv[1]
url = f"sqlite:///{chemin}"
R = int(sys.argv[2]) if len(sys.argv) > 2 else 5

situations = [(r.nom, s.code, k) for r in referentiel.verifier_tous() for k, s in enumerate(r.situations.values())]
valeurs = ",".join(f"('{a}','{b}',{c})" for a, b, c in situations)
SQL = f"""
WITH sit(referentiel, code, ordre) AS (VALUES {valeurs}),
fg AS (SELECT f.eleve_id, v.situation, count(*) AS n, sum(v.nature = 'reelle') AS r, max(v.complexite) AS mc,
              max(v.aleas) AS ma
       FROM fiche f JOIN fiche_version v ON v.fiche_id = f.id AND v.numero = f.version_courante
       JOIN eleve e ON e.id = f.eleve_id JOIN compte c ON c.id = e.compte_id
       WHERE f.supprimee_le IS NULL AND c.actif GROUP BY f.eleve_id, v.situation)
SELECT e.identifiant AS eleve, d.nom AS division, s.code AS situation, COALESCE(fg.n, 0) AS nb_fiches,
       COALESCE(fg.r, 0) AS nb_reelles, fg.mc AS max_complexite, fg.ma AS max_aleas,
       CASE WHEN COALESCE(fg.n,0) = 0 THEN 'non_traversee' WHEN fg.n = 1 THEN 'une_fois'
            WHEN fg.mc >= 2 OR fg.ma >= 1 THEN 'evaluable' ELSE 'repetee' END AS statut
FROM eleve e JOIN compte c ON c.id = e.compte_id AND c.actif JOIN division d ON d.id = e.division_id
JOIN sit s ON s.referentiel = d.referentiel
LEFT JOIN fg ON fg.eleve_id = e.id AND fg.situation = s.code
ORDER BY d.nom, e.identifiant, s.ordre"""

def med(f, n=R):
    t = []
    for _ in range(n):
        a = time.perf_counter(); r = f(); t.append(time.perf_counter() - a)
    return statistics.median(t), min(t), r

# plain SQLite GROUP BY
def sqlite_gb():
    c = sqlite3.connect(chemin); rows = c.execute(SQL).fetchall(); c.close(); return rows
t_sql, m_sql, rows = med(sqlite_gb)
ref = pd.DataFrame(rows, columns=["eleve", "division", "situation", "nb_fiches", "nb_reelles", "max_complexite", "max_aleas", "statut"])

# pandas on the same data, already in memory
c = sqlite3.connect(chemin)
fiches = pd.read_sql("SELECT f.eleve_id, v.situation, v.nature, v.complexite, v.aleas FROM fiche f JOIN fiche_version v ON v.fiche_id = f.id AND v.numero = f.version_courante WHERE f.supprimee_le IS NULL", c)
eleves = pd.read_sql("SELECT e.id AS eleve_id, e.identifiant, d.nom AS division, d.referentiel FROM eleve e JOIN compte c ON c.id = e.compte_id AND c.actif JOIN division d ON d.id = e.division_id", c)
c.close()
sit = pd.DataFrame(situations, columns=["referentiel", "situation", "ordre"])
def pandas_gb():
    f = fiches.assign(reelle=fiches["nature"] == "reelle")
    g = f.groupby(["eleve_id", "situation"]).agg(nb_fiches=("reelle", "size"), nb_reelles=("reelle", "sum"),
                                                 max_complexite=("complexite", "max"), max_aleas=("aleas", "max")).reset_index()
    x = eleves.merge(sit, on="referentiel").merge(g, on=["eleve_id", "situation"], how="left")
    x = x.sort_values(["division", "identifiant", "ordre"], kind="stable")
    n = x["nb_fiches"].fillna(0).astype(int)
    st = pd.Series("repetee", index=x.index)
    st[(x["max_complexite"] >= 2) | (x["max_aleas"] >= 1)] = "evaluable"
    st[n == 1] = "une_fois"; st[n == 0] = "non_traversee"
    return pd.DataFrame({"eleve": x["identifiant"], "division": x["division"], "situation": x["situation"],
                         "nb_fiches": n, "nb_reelles": x["nb_reelles"].fillna(0).astype(int),
                         "max_complexite": x["max_complexite"].astype("Int64"), "max_aleas": x["max_aleas"].astype("Int64"),
                         "statut": st}).reset_index(drop=True)
t_pd, m_pd, dfp = med(pandas_gb)

# in-app: warm copy, one fiche changed in the store since the last call
e = analytics.Entrepot(url); e.actualiser(); analytics.export_couverture(e)
con = sqlite3.connect(chemin)
ids = [r[0] for r in con.execute("SELECT id FROM fiche WHERE supprimee_le IS NULL LIMIT 50")]
k = [0]
def changer():
    con.execute("UPDATE fiche SET modifiee_le = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = ?", (ids[k[0]],)); con.commit(); k[0] += 1
t_act, t_exp, t_tot = [], [], []
for _ in range(R):
    changer()
    a = time.perf_counter(); e.actualiser(); b = time.perf_counter(); df = analytics.export_couverture(e); c2 = time.perf_counter()
    t_act.append(b - a); t_exp.append(c2 - b); t_tot.append(c2 - a)
a = time.perf_counter(); analytics.export_couverture(e); t_memo = time.perf_counter() - a
e.fermer()
egal = ref.astype(object).where(ref.notna(), None).values.tolist() == df.astype(object).where(df.notna(), None).values.tolist()
egal_pd = dfp.astype(object).where(dfp.notna(), None).values.tolist() == df.astype(object).where(df.notna(), None).values.tolist()
print(f"lignes: {len(df)}  fiches: {len(fiches)}  égal SQL: {egal}  égal pandas: {egal_pd}")
print(f"SQLite GROUP BY (fetchall)        : {t_sql*1000:.0f} ms (min {m_sql*1000:.0f})")
print(f"pandas (données en mémoire)       : {t_pd*1000:.0f} ms (min {m_pd*1000:.0f})")
print(f"dans l'app, 1 fiche changée: export {statistics.median(t_exp)*1000:.0f} ms (min {min(t_exp)*1000:.0f}), "
      f"actualiser {statistics.median(t_act)*1000:.0f} ms, les deux {statistics.median(t_tot)*1000:.0f} ms; mémoïsé {t_memo*1000:.1f} ms")
print(f"rapports (export seul): SQL/app {t_sql/statistics.median(t_exp):.1f}×, pandas/app {t_pd/statistics.median(t_exp):.1f}×")

# CLI end to end vs sqlite3 shell
env = dict(os.environ, DATABASE_URL=url)
def cli(fmt):
    return subprocess.run(["/usr/bin/time", "-f", "%e %M", ".venv/bin/python", "-m", "passeport.cli", "exporter", "couverture", "--format", fmt,
                           "--sortie", str(Path(TMP) / f"cli.{fmt}")], env=env, capture_output=True, text=True).stderr.strip().splitlines()[-1]
def shell():
    return subprocess.run(["/usr/bin/time", "-f", "%e %M", "sh", "-c", f"sqlite3 -csv -separator ';' {chemin} \"{SQL.replace(chr(34), chr(39))}\" > {TMP}/shell.csv"],
                          capture_output=True, text=True).stderr.strip().splitlines()[-1]
for nom, f in [("CLI csv", lambda: cli("csv")), ("CLI parquet", lambda: cli("parquet")), ("sqlite3 -csv", shell)]:
    mesures = [f().split() for _ in range(3)]
    s = sorted(float(m[0]) for m in mesures); mem = max(int(m[1]) for m in mesures)
    print(f"{nom:15s}: {s[1]:.2f} s médiane (min {s[0]:.2f}), pic {mem/1024:.0f} Mo")
lignes_cli = open(f"{TMP}/cli.csv", encoding="utf-8-sig", newline="").read().split("\r\n")[1:-1]
lignes_sh = open(f"{TMP}/shell.csv").read().split("\n")[:-1]
print("CLI csv == sqlite3 -csv (lignes):", lignes_cli == lignes_sh, len(lignes_cli), len(lignes_sh))
