package source

import (
	"slices"
	"strings"

	"github.com/hoursd/hoursd/schedule"
)

// aliases are the ways pages name the days of hoursd's catalogue
// (schedule.CatalogueIDs), in Swedish and in English, lowercased and
// without apostrophes. The catalogue's own Swedish name is added for every
// id in init, so a day the catalogue gains is at least read by that name.
var aliases = map[string][]string{
	"nyarsdagen":                  {"nyårsdagen", "nyårsdag", "new years day"},
	"trettondagsafton":            {"trettondagsafton", "trettondedagsafton", "twelfth night"},
	"trettondedag-jul":            {"trettondedag jul", "trettondedagen", "trettondagen", "trettondag jul", "trettondedag", "epiphany"},
	"skartorsdagen":               {"skärtorsdagen", "skärtorsdag", "maundy thursday", "holy thursday"},
	"langfredagen":                {"långfredagen", "långfredag", "good friday"},
	"paskafton":                   {"påskafton", "påskaftonen", "holy saturday"},
	"paskdagen":                   {"påskdagen", "påskdag", "easter sunday", "easter day"},
	"annandag-pask":               {"annandag påsk", "annandagen påsk", "annandag påsken", "easter monday"},
	"valborgsmassoafton":          {"valborgsmässoafton", "valborgsmässoaftonen", "valborgsafton", "valborg", "walpurgis night", "walpurgis eve"},
	"forsta-maj":                  {"första maj", "may day"},
	"dag-fore-kristi-himmelsfard": {"dag före kristi himmelsfärdsdag", "dagen före kristi himmelsfärdsdag", "dag före kristi himmelsfärd", "dagen före kristi himmelsfärd", "day before ascension day"},
	"kristi-himmelsfardsdag":      {"kristi himmelsfärdsdag", "kristi himmelfärdsdag", "kristi himmelsfärd", "kristi himmelfärd", "ascension day"},
	"pingstafton":                 {"pingstafton", "whitsun eve", "pentecost eve"},
	"pingstdagen":                 {"pingstdagen", "pingstdag", "whit sunday", "whitsunday", "pentecost"},
	"nationaldagen":               {"sveriges nationaldag", "nationaldagen", "nationaldag", "national day of sweden", "swedish national day", "national day"},
	"midsommarafton":              {"midsommarafton", "midsommaraftonen", "midsummer eve", "midsummers eve"},
	"midsommardagen":              {"midsommardagen", "midsommardag", "midsummer day", "midsummers day"},
	"alla-helgons-afton":          {"dag före alla helgons dag", "dagen före alla helgons dag", "alla helgons afton", "allhelgonaafton", "day before all saints day", "all saints eve"},
	"alla-helgons-dag":            {"alla helgons dag", "allhelgonadagen", "all saints day"},
	"julafton":                    {"julafton", "julaftonen", "christmas eve"},
	"juldagen":                    {"juldagen", "juldag", "christmas day"},
	"annandag-jul":                {"annandag jul", "annandagen jul", "boxing day"},
	"nyarsafton":                  {"nyårsafton", "nyårsaftonen", "new years eve"},
}

// alias is one way of naming a catalogue day, as words.
type alias struct {
	id    string
	words []string
}

// aliasesByFirst finds the aliases that start with a word, longest first,
// so "dag före alla helgons dag" wins over "alla helgons dag".
var aliasesByFirst = map[string][]alias{}

func init() {
	for _, id := range schedule.CatalogueIDs() {
		forms := aliases[id]
		if n, ok := schedule.CatalogueName(id); ok {
			forms = append(forms, strings.ToLower(n.SV), strings.ToLower(n.EN))
		}
		for _, f := range forms {
			var words []string
			for _, t := range tokenize(f) {
				if t.kind == tWord {
					words = append(words, t.s)
				}
			}
			if len(words) == 0 {
				continue
			}
			aliasesByFirst[words[0]] = append(aliasesByFirst[words[0]], alias{id, words})
		}
	}
	for k, as := range aliasesByFirst {
		slices.SortStableFunc(as, func(a, b alias) int { return len(b.words) - len(a.words) })
		aliasesByFirst[k] = as
	}
}

// catalogueOn is the catalogue day that falls on d, if any.
func catalogueOn(d schedule.Date) (string, bool) {
	for _, id := range schedule.CatalogueIDs() {
		if cd, ok := schedule.CatalogueDate(id, d.Year); ok && cd == d {
			return id, true
		}
	}
	return "", false
}

func catalogueName(id string) schedule.Name {
	n, _ := schedule.CatalogueName(id)
	return n
}
