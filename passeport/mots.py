"""Readable random first passwords: four common French words and two digits, e.g. « tomate-velo-lune-piano-42 ».

About 40 bits of randomness: enough for a password that must be changed at first sign-in, on an account
that locks after 10 failures.
"""

from __future__ import annotations

import secrets

MOTS = """
abeille abricot acier agneau aigle album allumette ami ananas ancre ane anorak arbre argent armoire arrosoir
avion avocat baguette baleine ballon banane banc barque bateau bazar bec biche bijou biscuit bison bleuet bocal
bol bonbon botte bouche bougie bouton branche brioche brosse bulle bureau cactus cadeau cadre cahier caillou
camion canard canne carotte carton casque castor cerise chaise chameau champ chapeau chaton chemin cheval chocolat
citron clavier cloche clou coccinelle cochon coffre colline comete concert coquille corde costume coton coussin
crabe crayon cristal cube cuillere cygne dauphin desert diamant domino dragon drapeau echelle ecureuil etoile
facteur falaise fanfare farine fenetre fleur flute foret fourmi fraise frigo fromage fusee galet gant gateau
girafe glace gomme gorille grenier grenouille guitare hamac hamster harpe herisson hibou horloge igloo ile
jardin jasmin jouet journal judo kangourou kayak koala lac lampe lapin lavande legume lion livre loup lune
lutin mangue manteau marche marmotte marteau masque melon meteore miel miroir montagne moto moulin mouton nuage
ocean olive ombre orange orchestre ours palmier panda papillon parapluie pastille peigne pelle perle phare piano
pinceau pirate piscine pizza plage planete plume poire pomme pompier pont poulet prairie prune puzzle radis
raisin rameau renard requin riviere robot rocher rose ruban sable sapin satellite saumon savon sirop soleil
sorbet souris stylo sucre tambour tapis tasse taupe tigre tomate tortue train trampoline tresor tulipe vague
valise vanille velo verger violon volcan wagon yaourt zebre
""".split()


def mot_de_passe_lisible(nb_mots: int = 4) -> str:
    """A random password made of common words, easy to read aloud and to type on a phone."""
    return "-".join([*(secrets.choice(MOTS) for _ in range(nb_mots)), f"{secrets.randbelow(90) + 10}"])
