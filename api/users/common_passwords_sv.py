"""Swedish words and patterns common in passwords, which zxcvbn's English lists do not know.

Source: compiled by hand for Lägesbild (2026) from the Swedish entries that recur near the top of
publicly discussed password-frequency lists (the everyday words "lösenord", "hejsan", "sommar", …),
with the names of the seasons, months and weekdays, the largest cities, common Swedish first names and
football clubs, and the product's own vocabulary (ASVS asks for context-specific words). zxcvbn
(which ships frequency lists from leaked-password corpora, English words and names) covers the
international ones such as "password", "qwerty" and "123456". Every entry is lower case; spellings
without å, ä, ö are listed as people type them on foreign keyboards. The order is the rank zxcvbn
gets: earlier words count as more common.
"""

from __future__ import annotations

COMMON_SWEDISH_WORDS: tuple[str, ...] = (
    # everyday password words
    "lösenord", "losenord", "hejsan", "hemligt", "hemlig", "hejhej", "sommar", "vinter", "hösten",
    "hosten", "höst", "host", "våren", "varen", "sverige", "svenska", "svensk", "hejdå", "hejda",
    "älskar", "alskar", "jagälskardig", "jagalskardig", "kärlek", "karlek", "älskling", "alskling",
    "gubben", "gumman", "mamma", "pappa", "mormor", "farmor", "morfar", "farfar", "familjen", "barnen",
    "katten", "hunden", "kanin", "hästen", "hasten", "fotboll", "hockey", "innebandy", "glass",
    "godis", "choklad", "snygg", "sötnos", "sotnos", "pussgurka",
    "nalle", "bamse", "pippi", "kalle", "anka", "kalleanka", "pelle", "svanslös", "blomma", "solsken",
    "regnbåge", "regnbage", "semester", "jobbet", "arbete", "skolan", "datorn", "dator", "internet",
    "välkommen", "valkommen", "hallå", "halla", "tjena", "tjenare", "tjabba", "hallihallå",
    "ostbåge", "kanelbulle", "fika", "midsommar", "julafton", "jul", "påsk", "pask", "nyår", "nyar",
    "stjärna", "stjarna", "ängel", "angel", "prinsessa", "tiger", "lejon", "draken", "ormen",
    # seasons with years and the like are caught by zxcvbn's year and sequence matching; the months
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december",
    # weekdays
    "måndag", "mandag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "lordag", "söndag", "sondag",
    # places
    "stockholm", "göteborg", "goteborg", "malmö", "malmo", "uppsala", "örebro", "orebro", "västerås",
    "vasteras", "linköping", "linkoping", "norrköping", "norrkoping", "helsingborg", "jönköping",
    "jonkoping", "umeå", "umea", "lund", "borås", "boras", "sundsvall", "gävle", "gavle", "växjö",
    "vaxjo", "botkyrka", "sollentuna", "borlänge", "borlange", "kumla", "nässjö", "nassjo", "alingsås",
    "alingsas", "norrland", "skåne", "skane", "gotland", "lappland",
    # first names
    "anna", "eva", "maria", "karin", "sara", "lena", "kerstin", "emma", "kristina", "ingrid", "elin",
    "johanna", "linnea", "lars", "anders", "johan", "per", "erik", "karl", "peter", "jan", "mikael",
    "hans", "stefan", "olof", "oskar", "nils", "lisa", "emil", "hugo", "alva", "wilma", "ebba", "ella",
    "alice", "maja", "elsa", "astrid", "vera", "lucas", "liam", "william", "elias", "noah", "hampus",
    "andersson", "johansson", "karlsson", "nilsson", "eriksson", "larsson", "olsson", "persson",
    "svensson", "gustafsson", "pettersson", "jonsson", "jansson", "hansson",
    # clubs
    "aik", "djurgården", "djurgarden", "hammarby", "malmöff", "malmoff", "ifkgöteborg", "ifkgoteborg",
    "frölunda", "frolunda", "färjestad", "farjestad", "brynäs", "brynas", "luleå", "lulea", "modo",
    "tre kronor", "trekronor", "blågul", "blagul",
    # the product and its work (context-specific words)
    "lägesbild", "lagesbild", "kommun", "kommunen", "polisen", "polis", "trygghet", "tryggare",
    "brottsförebyggande", "brottsforebyggande", "samordning", "medborgarlöfte", "medborgarlofte",
    "administratör", "administrator",
    "säkerhet", "sakerhet", "kommunpolis",
)
