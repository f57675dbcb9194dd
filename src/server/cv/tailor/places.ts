/**
 * A small, general gazetteer of place words (countries, large cities, regions, continents) in en/fr/de/es,
 * folded (lower case, no accents). A job offer names where the job is; that is not something a CV can
 * "match", so these words never become requirements. Multi-word places are listed word by word only when
 * each word is itself a place-like word ("new york" → "york" is still kept out through the phrase check).
 */
const COUNTRIES =
  "france germany deutschland allemagne alemania spain espagne espana spanien italy italie italia italien portugal " +
  "netherlands nederland pays-bas holland holanda niederlande belgium belgique belgica belgien luxembourg luxemburgo luxemburg " +
  "switzerland suisse schweiz suiza austria autriche osterreich ireland irlande irlanda irland england angleterre inglaterra " +
  "scotland ecosse escocia schottland wales britain uk usa america amerique amerika canada kanada mexico mexique mexiko " +
  "brazil bresil brasil brasilien argentina argentine argentinien chile chili colombia colombie kolumbien peru perou " +
  "poland pologne polonia polen czechia tchequie chequia tschechien slovakia hungary hongrie hungria ungarn romania roumanie rumania rumanien " +
  "bulgaria bulgarie bulgarien greece grece grecia griechenland turkey turquie turquia turkei turkiye sweden suede suecia schweden " +
  "norway norvege noruega norwegen denmark danemark dinamarca danemark finland finlande finlandia finnland estonia latvia lithuania " +
  "ukraine ucrania russia russie rusia russland israel egypt egypte egipto agypten morocco maroc marruecos marokko tunisia tunisie tunez " +
  "algeria algerie argelia senegal nigeria kenya south africa india inde indien china chine chine japan japon japon " +
  "korea coree corea singapore singapour singapur australia australie australien zealand zelande zelanda vietnam thailand " +
  "indonesia indonesie philippines malaysia emirates emirats uae dubai qatar saudi arabia";

const CITIES =
  "paris lyon marseille toulouse nice nantes strasbourg montpellier bordeaux lille rennes grenoble sophia antipolis " +
  "london londres manchester birmingham edinburgh glasgow dublin cambridge oxford bristol leeds " +
  "berlin munich munchen hamburg hambourg hamburgo frankfurt francfort cologne koln stuttgart dusseldorf leipzig dresden hannover " +
  "vienna vienne viena wien zurich zurich geneva geneve ginebra genf basel bale lausanne bern berne " +
  "madrid barcelona barcelone valencia valence sevilla seville bilbao malaga zaragoza lisbon lisbonne lisboa porto " +
  "rome roma rom milan milano mailand turin torino naples napoli florence firenze " +
  "amsterdam rotterdam utrecht eindhoven hague haye brussels bruxelles bruselas brussel antwerp anvers ghent gand " +
  "copenhagen copenhague stockholm oslo helsinki tallinn riga vilnius warsaw varsovie varsovia warschau krakow cracovie prague praga prag " +
  "budapest bucharest bucarest athens athenes atenas istanbul " +
  "york san francisco los angeles seattle boston chicago austin denver atlanta miami toronto montreal vancouver ottawa quebec " +
  "tokyo osaka seoul beijing pekin shanghai shenzhen hong kong taipei bangalore bengaluru mumbai delhi sydney melbourne " +
  "tel aviv cairo casablanca tunis algiers nairobi lagos sao paulo mexico bogota lima santiago buenos aires";

const REGIONS =
  "europe european europa europeen europeenne europaisch emea apac latam americas asia asie nordics scandinavia benelux dach " +
  "ile-de-france idf bretagne brittany normandie normandy provence occitanie alsace auvergne rhone-alpes aquitaine " +
  "bavaria baviere bayern baviera catalonia catalogne cataluna katalonien andalusia andalousie andalucia " +
  "lombardy lombardie lombardia silicon valley bay area california californie texas";

/** Folded place words: a requirement that is one of these is dropped. */
export const PLACE_WORDS: ReadonlySet<string> = new Set(`${COUNTRIES} ${CITIES} ${REGIONS}`.split(/\s+/).filter(Boolean));
