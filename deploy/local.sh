#!/usr/bin/env bash
# Le déploiement d'un rectorat, en petit, sur 127.0.0.1 et avec les paquets Debian (postgresql, nginx) :
#   PostgreSQL primaire (port 5441) et sa réplique en flux (5442), deux instances de l'application (8611, 8612)
#   qui écrivent sur la primaire et lisent leurs analyses sur la réplique, un dossier de pièces jointes partagé,
#   nginx (8610) devant les deux avec affinité par cookie et websockets.
#
#   deploy/local.sh [demarrer] [DOSSIER]   lance tout (ce qui tourne déjà est laissé tel quel)
#   deploy/local.sh arreter [DOSSIER]      arrête tout (les données restent dans DOSSIER)
#   deploy/local.sh etat [DOSSIER]         dit ce qui tourne
#
# DOSSIER : argument, ou $PASSEPORT_DEPLOY_DIR, ou /tmp/passeport-deploy. Rien n'est écrit ailleurs ; le cluster
# PostgreSQL du système et le service nginx du système ne sont jamais touchés. Voir deploy/README.md.
set -euo pipefail

RACINE=$(cd "$(dirname "$0")/.." && pwd)
action=demarrer
case "${1:-}" in
  demarrer|arreter|etat) action=$1; shift ;;
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
DOSSIER=$(realpath -m "${1:-${PASSEPORT_DEPLOY_DIR:-/tmp/passeport-deploy}}")
if [[ ! "$DOSSIER" =~ ^[A-Za-z0-9/._-]+$ ]]; then
  echo "Dossier refusé : « $DOSSIER » (lettres sans accent, chiffres, / . _ - seulement)." >&2
  exit 2
fi

PORT_NGINX=8610
PORT_A=8611
PORT_B=8612
PORT_PRIMAIRE=5441
PORT_REPLIQUE=5442
MDP_APPLI=passeport-local          # rôle « passeport » (boucle locale seulement)
MDP_REPLICATION=replication-local  # rôle « replicateur »
URL_PRIMAIRE="postgresql://passeport:$MDP_APPLI@127.0.0.1:$PORT_PRIMAIRE/passeport"
URL_REPLIQUE="postgresql://passeport:$MDP_APPLI@127.0.0.1:$PORT_REPLIQUE/passeport"

PG="$DOSSIER/pg"
PRIMAIRE="$PG/primaire"
REPLIQUE="$PG/replique"
SOCKETS="$PG/sockets"
PIECES="$DOSSIER/pieces"
NGINX="$DOSSIER/nginx"
PYTHON="$RACINE/.venv/bin/python"

dire() { echo "• $*"; }
echouer() { echo "ÉCHEC : $*" >&2; exit 1; }

version_postgres() {
  # Comme .ci/run : la version la plus récente installée.
  ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1
}

# PostgreSQL refuse de tourner en root : ses commandes passent alors par l'utilisateur système postgres.
en_postgres() {
  if [ "$(id -u)" = 0 ]; then
    (cd "$PG" && runuser -u postgres -- "$@")
  else
    (cd "$PG" && "$@")
  fi
}

pg_tourne() { [ -f "$1/PG_VERSION" ] && en_postgres "$PGBIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

psql_primaire() {
  en_postgres "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PORT_PRIMAIRE" -U postgres -d postgres "$@"
}

# Répond « ok » à l'adresse donnée (santé de Streamlit), avant la limite en secondes.
attendre_sante() {
  local url=$1 limite=$2 nom=$3 pid=${4:-}
  local fin=$((SECONDS + limite))
  until [ "$(curl -fsS --max-time 3 "$url" 2>/dev/null)" = "ok" ]; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echouer "$nom s'est arrêté au démarrage ; son journal : $DOSSIER/$nom.log"
    fi
    [ $SECONDS -lt $fin ] || echouer "$nom ne répond pas sur $url après $limite s (journal : $DOSSIER/$nom.log)"
    sleep 0.5
  done
}

pid_vivant() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_occupe() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- PostgreSQL --------------------------------------------------------------------------------------------------

demarrer_primaire() {
  if [ ! -f "$PRIMAIRE/PG_VERSION" ]; then
    dire "Création du cluster PostgreSQL $VERSION primaire ($PRIMAIRE)"
    en_postgres "$PGBIN/initdb" -D "$PRIMAIRE" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$PG/initdb.log" 2>&1 || echouer "initdb (voir $PG/initdb.log)"
    cat >>"$PRIMAIRE/postgresql.conf" <<EOF

# --- deploy/local.sh ---
listen_addresses = '127.0.0.1'
port = $PORT_PRIMAIRE
unix_socket_directories = '$SOCKETS'
max_connections = 60
shared_buffers = 64MB
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
EOF
  fi
  if pg_tourne "$PRIMAIRE"; then
    dire "PostgreSQL primaire déjà lancé (port $PORT_PRIMAIRE)"
  else
    port_occupe "$PORT_PRIMAIRE" && echouer "le port $PORT_PRIMAIRE est déjà pris par un autre programme"
    dire "Démarrage de PostgreSQL primaire (port $PORT_PRIMAIRE)"
    en_postgres "$PGBIN/pg_ctl" -D "$PRIMAIRE" -l "$PG/primaire.log" -w -t 120 start >/dev/null \
      || echouer "PostgreSQL primaire ne démarre pas (journal : $PG/primaire.log)"
  fi
  # Rôles et base, créés une fois ; les mots de passe sont (re)posés à chaque lancement.
  psql_primaire <<EOF
SET client_min_messages = warning;
SELECT 'CREATE ROLE passeport LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'passeport')\gexec
SELECT 'CREATE ROLE replicateur LOGIN REPLICATION'
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'replicateur')\gexec
ALTER ROLE passeport PASSWORD '$MDP_APPLI';
ALTER ROLE replicateur PASSWORD '$MDP_REPLICATION';
-- La surveillance (état de pg_stat_replication) sans être superutilisateur.
GRANT pg_monitor TO replicateur;
SELECT 'CREATE DATABASE passeport OWNER passeport'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'passeport')\gexec
EOF
}

demarrer_replique() {
  if [ ! -f "$REPLIQUE/PG_VERSION" ]; then
    dire "Création de la réplique par pg_basebackup (copie de la primaire, puis réplication en flux)"
    rm -rf "$REPLIQUE"
    # Un emplacement de réplication resté d'un essai interrompu est repris à neuf.
    psql_primaire -c "SELECT pg_drop_replication_slot('passeport_replique') FROM pg_replication_slots
                      WHERE slot_name = 'passeport_replique' AND NOT active" >/dev/null
    en_postgres "$PGBIN/pg_basebackup" -D "$REPLIQUE" -R -X stream -c fast -C -S passeport_replique \
      -d "host=127.0.0.1 port=$PORT_PRIMAIRE user=replicateur password=$MDP_REPLICATION application_name=replique" \
      >"$PG/basebackup.log" 2>&1 || echouer "pg_basebackup (voir $PG/basebackup.log)"
    cat >>"$REPLIQUE/postgresql.conf" <<EOF

# --- deploy/local.sh : la réplique ---
port = $PORT_REPLIQUE
EOF
  fi
  if pg_tourne "$REPLIQUE"; then
    dire "Réplique PostgreSQL déjà lancée (port $PORT_REPLIQUE)"
  else
    port_occupe "$PORT_REPLIQUE" && echouer "le port $PORT_REPLIQUE est déjà pris par un autre programme"
    dire "Démarrage de la réplique PostgreSQL (port $PORT_REPLIQUE, lecture seule)"
    en_postgres "$PGBIN/pg_ctl" -D "$REPLIQUE" -l "$PG/replique.log" -w -t 120 start >/dev/null \
      || echouer "la réplique ne démarre pas (journal : $PG/replique.log)"
  fi
  local fin=$((SECONDS + 60))
  until [ "$(psql_primaire -tAc "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ]; do
    [ $SECONDS -lt $fin ] || echouer "la réplique ne reçoit pas le flux de la primaire (journal : $PG/replique.log)"
    sleep 0.5
  done
  dire "Réplication en flux active (pg_stat_replication : 1 réplique)"
}

# --- l'application -----------------------------------------------------------------------------------------------

environnement_instance() {
  # $1 : nom de l'instance (a, b). Tout est donné ici, rien n'est hérité de qui lance le script : chaque instance a
  # son dossier de données et sa copie d'analyse (DuckDB), les pièces jointes sont communes.
  echo DATABASE_URL="$URL_PRIMAIRE" PASSEPORT_ANALYTIQUE_URL="$URL_REPLIQUE" PASSEPORT_PIECES="$PIECES" \
    PASSEPORT_DONNEES="$DOSSIER/instance-$1" PASSEPORT_ANALYTIQUE_DOSSIER="$DOSSIER/instance-$1/analytique" \
    PASSEPORT_PROXYS_DE_CONFIANCE=127.0.0.1 HOME="$DOSSIER/instance-$1"
}

preparer_base() {
  if [ ! -x "$RACINE/.venv/bin/passeport" ] || [ ! -x "$RACINE/.venv/bin/streamlit" ]; then
    dire "Installation de l'application (make installer)"
    make -C "$RACINE" installer
  fi
  mkdir -p -m 700 "$PIECES" "$DOSSIER/instance-a" "$DOSSIER/instance-b"
  dire "Schéma de la base (passeport initialiser) et école de démonstration si la base est vide"
  # shellcheck disable=SC2046
  env $(environnement_instance a) "$RACINE/.venv/bin/passeport" initialiser >"$DOSSIER/base.log" 2>&1 \
    || echouer "passeport initialiser (voir $DOSSIER/base.log)"
  # shellcheck disable=SC2046
  env $(environnement_instance a) "$RACINE/.venv/bin/passeport" demo --si-vide >>"$DOSSIER/base.log" 2>&1 \
    || echouer "passeport demo (voir $DOSSIER/base.log)"
}

demarrer_instance() {
  local nom=$1 port=$2
  local fichier_pid="$DOSSIER/instance-$nom.pid"
  if pid_vivant "$fichier_pid"; then
    dire "Instance $nom déjà lancée (port $port, processus $(cat "$fichier_pid"))"
  else
    port_occupe "$port" && echouer "le port $port est déjà pris par un autre programme"
    dire "Démarrage de l'instance $nom (port $port)"
    # Détachée (setsid), sans garder ni la sortie ni l'entrée de ce script ; le processus écrit lui-même son pid.
    # shellcheck disable=SC2046
    (cd "$RACINE" && exec env $(environnement_instance "$nom") setsid sh -c 'echo $$ > "$0"; exec "$@"' \
      "$fichier_pid" "$RACINE/.venv/bin/streamlit" run serveur.py --server.address 127.0.0.1 --server.port "$port" \
      --server.headless true --browser.gatherUsageStats false) >"$DOSSIER/instance-$nom.log" 2>&1 </dev/null &
    local fin=$((SECONDS + 10))
    until [ -s "$fichier_pid" ]; do [ $SECONDS -lt $fin ] || echouer "instance $nom : pas de processus"; sleep 0.1; done
  fi
}

attendre_instance() {
  local nom=$1 port=$2
  attendre_sante "http://127.0.0.1:$port/_stcore/health" 180 "instance-$nom" "$(cat "$DOSSIER/instance-$nom.pid")"
  dire "Instance $nom prête : http://127.0.0.1:$port"
}

# --- nginx -------------------------------------------------------------------------------------------------------

rendre_nginx() {
  mkdir -p "$NGINX/tmp"
  local instances="        server 127.0.0.1:$PORT_A;\\n        server 127.0.0.1:$PORT_B;"
  sed -e "s|__PREFIXE__|$NGINX|g" -e "s|__ECOUTE__|127.0.0.1:$PORT_NGINX|g" -e "s|^__INSTANCES__$|$instances|" \
    "$RACINE/deploy/nginx.conf" >"$NGINX/nginx.conf"
}

demarrer_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || echouer "nginx absent : apt-get install nginx"
  local binaire
  binaire=$(command -v nginx || echo /usr/sbin/nginx)
  rendre_nginx
  "$binaire" -t -q -e "$NGINX/erreurs.log" -p "$NGINX" -c "$NGINX/nginx.conf" \
    || echouer "configuration nginx refusée ($NGINX/nginx.conf)"
  if pid_vivant "$NGINX/nginx.pid"; then
    dire "nginx déjà lancé : configuration relue"
    "$binaire" -e "$NGINX/erreurs.log" -p "$NGINX" -c "$NGINX/nginx.conf" -s reload
  else
    port_occupe "$PORT_NGINX" && echouer "le port $PORT_NGINX est déjà pris par un autre programme"
    dire "Démarrage de nginx (port $PORT_NGINX)"
    # Le maître de nginx passe en arrière-plan : il ne doit garder ni la sortie ni l'entrée de ce script.
    "$binaire" -e "$NGINX/erreurs.log" -p "$NGINX" -c "$NGINX/nginx.conf" </dev/null >>"$NGINX/erreurs.log" 2>&1 \
      || echouer "nginx ne démarre pas (journal : $NGINX/erreurs.log)"
  fi
  attendre_sante "http://127.0.0.1:$PORT_NGINX/_stcore/health" 60 "nginx/erreurs"
}

# --- les trois actions -------------------------------------------------------------------------------------------

demarrer() {
  VERSION=$(version_postgres)
  [ -n "$VERSION" ] || echouer "PostgreSQL absent : apt-get install postgresql"
  PGBIN="/usr/lib/postgresql/$VERSION/bin"
  mkdir -p "$DOSSIER"
  chmod 755 "$DOSSIER"
  mkdir -p "$PG"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || echouer "utilisateur système postgres absent (paquet postgresql)"
    chown postgres: "$PG"
    runuser -u postgres -- test -w "$PG" \
      || echouer "l'utilisateur postgres ne peut pas écrire dans $PG (un dossier parent lui est fermé ?)"
  fi
  mkdir -p -m 700 "$SOCKETS" 2>/dev/null || en_postgres mkdir -p -m 700 "$SOCKETS"
  [ "$(id -u)" = 0 ] && chown postgres: "$SOCKETS"
  echo "Déploiement local dans $DOSSIER"
  demarrer_primaire
  demarrer_replique
  preparer_base
  demarrer_instance a "$PORT_A"
  demarrer_instance b "$PORT_B"
  attendre_instance a "$PORT_A"
  attendre_instance b "$PORT_B"
  demarrer_nginx
  cat <<EOF
Prêt : http://127.0.0.1:$PORT_NGINX (nginx → instances 127.0.0.1:$PORT_A et 127.0.0.1:$PORT_B)
  primaire  $URL_PRIMAIRE
  réplique  $URL_REPLIQUE (analyses : PASSEPORT_ANALYTIQUE_URL)
  pièces    $PIECES
Connexion de démonstration : claire.martin / passeport-demo. Arrêt : deploy/local.sh arreter $DOSSIER
EOF
}

arreter_processus() {
  local nom=$1 fichier_pid=$2
  if ! pid_vivant "$fichier_pid"; then
    dire "$nom : déjà arrêté"
    rm -f "$fichier_pid"
    return
  fi
  local pid
  pid=$(cat "$fichier_pid")
  kill -TERM "$pid" 2>/dev/null || true
  local fin=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $fin ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$fichier_pid"
  dire "$nom : arrêté"
}

arreter() {
  VERSION=$(version_postgres)
  PGBIN="/usr/lib/postgresql/$VERSION/bin"
  echo "Arrêt du déploiement local de $DOSSIER"
  arreter_processus nginx "$NGINX/nginx.pid"
  arreter_processus "instance a" "$DOSSIER/instance-a.pid"
  arreter_processus "instance b" "$DOSSIER/instance-b.pid"
  # La réplique d'abord : arrêtée après la primaire, elle attendrait son flux en vain.
  for cluster in replique primaire; do
    local libelle="PostgreSQL $cluster"
    [ "$cluster" = replique ] && libelle="PostgreSQL réplique"
    if [ -n "$VERSION" ] && pg_tourne "$PG/$cluster"; then
      en_postgres "$PGBIN/pg_ctl" -D "$PG/$cluster" -m fast -w -t 120 stop >/dev/null
      dire "$libelle : arrêté"
    else
      dire "$libelle : déjà arrêté"
    fi
  done
  echo "Tout est arrêté ; les données restent dans $DOSSIER (rm -rf pour repartir de zéro)."
}

etat() {
  VERSION=$(version_postgres)
  PGBIN="/usr/lib/postgresql/$VERSION/bin"
  local code=0
  for cluster in primaire replique; do
    local libelle="PostgreSQL $cluster"
    [ "$cluster" = replique ] && libelle="PostgreSQL réplique"
    if [ -n "$VERSION" ] && pg_tourne "$PG/$cluster"; then dire "$libelle : lancé"
    else dire "$libelle : arrêté"; code=1; fi
  done
  for nom in a b; do
    if pid_vivant "$DOSSIER/instance-$nom.pid"; then dire "instance $nom : lancée"
    else dire "instance $nom : arrêtée"; code=1; fi
  done
  if pid_vivant "$NGINX/nginx.pid"; then dire "nginx : lancé (http://127.0.0.1:$PORT_NGINX)"
  else dire "nginx : arrêté"; code=1; fi
  return $code
}

"$action"
