using System.Collections.Frozen;
using Alerts.Core.Text;

namespace Alerts.Core.Claims;

/// <summary>
/// Every sovereign state (the UN members, the two observer states, and Kosovo and Taiwan), with its common
/// names, demonyms, capital and the buildings that stand for its government in news language ("the White
/// House", "Downing Street"), plus a few international organisations. Each folds onto one entity key, so
/// "Berlin said" and "German officials said" name the same actor. General knowledge only: nothing here is
/// about a particular story. All entries are folded (lower case, no diacritics).
/// </summary>
internal static class Gazetteer
{
    /// <summary>
    /// One row per state: "key; other names; demonyms; capital and seats of government". Demonyms also get
    /// their plural ("Germans", "Israelis") unless they have none ("French", "Japanese"). Capitals shared with a common word or another
    /// place of the same name (Victoria, Kingston, Male) are left out.
    /// </summary>
    private const string Rows = """
        afghanistan;;afghan;kabul
        albania;;albanian;tirana
        algeria;;algerian;algiers
        andorra;;andorran;andorra la vella
        angola;;angolan;luanda
        antigua and barbuda;antigua;antiguan;
        argentina;;argentine,argentinian;buenos aires,casa rosada
        armenia;;armenian;yerevan
        australia;;australian;canberra
        austria;;austrian;vienna
        azerbaijan;;azerbaijani,azeri;baku
        bahamas;;bahamian;nassau
        bahrain;;bahraini;manama
        bangladesh;;bangladeshi;dhaka
        barbados;;barbadian;bridgetown
        belarus;;belarusian;minsk
        belgium;;belgian;
        belize;;belizean;belmopan
        benin;;beninese;porto-novo,cotonou
        bhutan;;bhutanese;thimphu
        bolivia;;bolivian;la paz,sucre
        bosnia and herzegovina;bosnia,herzegovina;bosnian;sarajevo
        botswana;;botswanan,motswana;gaborone
        brazil;;brazilian;brasilia,planalto,itamaraty
        brunei;;bruneian;bandar seri begawan
        bulgaria;;bulgarian;
        burkina faso;burkina;burkinabe;ouagadougou
        burundi;;burundian;gitega
        cabo verde;cape verde;cape verdean;praia
        cambodia;;cambodian;phnom penh
        cameroon;;cameroonian;yaounde
        canada;;canadian;ottawa,parliament hill
        central african republic;;central african;bangui
        chad;;chadian;n'djamena,ndjamena
        chile;;chilean;santiago,la moneda
        china;prc,people's republic of china;chinese;beijing,zhongnanhai
        colombia;;colombian;bogota,casa de narino
        comoros;;comorian;moroni
        congo;republic of the congo,congo-brazzaville;congolese;brazzaville
        democratic republic of the congo;drc,dr congo,congo-kinshasa;;kinshasa
        costa rica;;costa rican;
        cote d'ivoire;ivory coast,côte d'ivoire;ivorian;yamoussoukro,abidjan
        croatia;;croatian;zagreb
        cuba;;cuban;havana
        cyprus;;cypriot;nicosia
        czech republic;czechia;czech;prague
        denmark;;danish,dane;copenhagen
        djibouti;;djiboutian;
        dominica;;dominican;roseau
        dominican republic;;;santo domingo
        ecuador;;ecuadorian;quito
        egypt;;egyptian;cairo
        el salvador;;salvadoran;san salvador
        equatorial guinea;;equatoguinean;malabo
        eritrea;;eritrean;asmara
        estonia;;estonian;tallinn
        eswatini;swaziland;swazi;mbabane
        ethiopia;;ethiopian;addis ababa
        fiji;;fijian;suva
        finland;;finnish,finn;helsinki
        france;;french;paris,elysee,élysée,matignon,quai d'orsay
        gabon;;gabonese;libreville
        gambia;;gambian;banjul
        georgia;;georgian;tbilisi
        germany;;german;berlin,bundestag
        ghana;;ghanaian;accra
        greece;;greek;athens
        grenada;;grenadian;
        guatemala;;guatemalan;guatemala city
        guinea;;guinean;conakry
        guinea-bissau;;bissau-guinean;bissau
        guyana;;guyanese;
        haiti;;haitian;port-au-prince
        holy see;vatican,vatican city;;
        honduras;;honduran;tegucigalpa
        hungary;;hungarian;budapest
        iceland;;icelandic,icelander;reykjavik
        india;;indian;new delhi,delhi,south block
        indonesia;;indonesian;jakarta
        iran;islamic republic of iran;iranian;tehran
        iraq;;iraqi;baghdad
        ireland;eire;irish;dublin
        israel;;israeli;knesset
        italy;;italian;rome,palazzo chigi,quirinale
        jamaica;;jamaican;
        japan;;japanese;tokyo,kantei,kasumigaseki
        jordan;;jordanian;amman
        kazakhstan;;kazakh,kazakhstani;astana
        kenya;;kenyan;nairobi
        kiribati;;;tarawa
        kosovo;;kosovar;pristina
        kuwait;;kuwaiti;kuwait city
        kyrgyzstan;;kyrgyz;bishkek
        laos;lao pdr;laotian,lao;vientiane
        latvia;;latvian;riga
        lebanon;;lebanese;beirut
        lesotho;;basotho;maseru
        liberia;;liberian;monrovia
        libya;;libyan;tripoli
        liechtenstein;;;vaduz
        lithuania;;lithuanian;vilnius
        luxembourg;;luxembourgish;
        madagascar;;malagasy;antananarivo
        malawi;;malawian;lilongwe
        malaysia;;malaysian;kuala lumpur,putrajaya
        maldives;;maldivian;
        mali;;malian;bamako
        malta;;maltese;valletta
        marshall islands;;marshallese;majuro
        mauritania;;mauritanian;nouakchott
        mauritius;;mauritian;port louis
        mexico;;mexican;mexico city,los pinos,palacio nacional
        micronesia;;micronesian;palikir
        moldova;;moldovan;chisinau
        monaco;;monegasque;
        mongolia;;mongolian;ulaanbaatar,ulan bator
        montenegro;;montenegrin;podgorica
        morocco;;moroccan;rabat
        mozambique;;mozambican;maputo
        myanmar;burma;burmese;naypyidaw,naypyitaw
        namibia;;namibian;windhoek
        nauru;;nauruan;
        nepal;;nepalese,nepali;kathmandu
        netherlands;holland;dutch;amsterdam,the hague,hague
        new zealand;;new zealander,kiwi;wellington
        nicaragua;;nicaraguan;managua
        niger;;nigerien;niamey
        nigeria;;nigerian;abuja
        north korea;dprk;north korean;pyongyang
        north macedonia;macedonia;macedonian;skopje
        norway;;norwegian;oslo
        oman;;omani;muscat
        pakistan;;pakistani;islamabad
        palau;;palauan;ngerulmud
        palestine;state of palestine,palestinian territories;palestinian;ramallah
        panama;;panamanian;panama city
        papua new guinea;png;papua new guinean;port moresby
        paraguay;;paraguayan;asuncion
        peru;;peruvian;lima
        philippines;;filipino,philippine;manila,malacanang
        poland;;polish,pole;warsaw,sejm
        portugal;;portuguese;lisbon
        qatar;;qatari;doha
        romania;;romanian;bucharest
        russia;russian federation;russian;moscow,kremlin,duma
        rwanda;;rwandan;kigali
        saint kitts and nevis;saint kitts,st kitts;kittitian;basseterre
        saint lucia;st lucia;saint lucian;castries
        saint vincent and the grenadines;saint vincent,st vincent;vincentian;kingstown
        samoa;;samoan;apia
        san marino;;sammarinese;
        sao tome and principe;sao tome;santomean;
        saudi arabia;;saudi;riyadh
        senegal;;senegalese;dakar
        serbia;;serbian,serb;belgrade
        seychelles;;seychellois;
        sierra leone;;sierra leonean;freetown
        singapore;;singaporean;
        slovakia;;slovak;bratislava
        slovenia;;slovenian,slovene;ljubljana
        solomon islands;;solomon islander;honiara
        somalia;;somali;mogadishu
        south africa;;south african;pretoria,cape town,union buildings
        south korea;republic of korea;south korean;seoul,blue house,yongsan
        south sudan;;south sudanese;juba
        spain;;spanish,spaniard;madrid,moncloa
        sri lanka;;sri lankan;colombo,sri jayawardenepura kotte
        sudan;;sudanese;khartoum
        suriname;;surinamese;paramaribo
        sweden;;swedish,swede;stockholm
        switzerland;;swiss;bern
        syria;;syrian;damascus
        taiwan;republic of china;taiwanese;taipei
        tajikistan;;tajik;dushanbe
        tanzania;;tanzanian;dodoma,dar es salaam
        thailand;;thai;bangkok
        timor-leste;east timor;timorese;dili
        togo;;togolese;lome
        tonga;;tongan;nuku'alofa
        trinidad and tobago;trinidad;trinidadian;port of spain
        tunisia;;tunisian;tunis
        turkey;turkiye;turkish,turk;ankara
        turkmenistan;;turkmen;ashgabat
        tuvalu;;tuvaluan;funafuti
        uganda;;ugandan;kampala
        ukraine;;ukrainian;kyiv,kiev,bankova,rada
        united arab emirates;uae;emirati;abu dhabi
        united kingdom;uk,u.k,britain,great britain;british,briton;london,downing street,no10,whitehall,westminster
        united states;us,u.s,usa,u.s.a,america;american;washington,white house,pentagon,capitol hill,foggy bottom
        uruguay;;uruguayan;montevideo
        uzbekistan;;uzbek;tashkent
        vanuatu;;ni-vanuatu;port vila
        venezuela;;venezuelan;caracas,miraflores
        vietnam;viet nam;vietnamese;hanoi
        yemen;;yemeni;sanaa
        zambia;;zambian;lusaka
        zimbabwe;;zimbabwean;harare
        european union;eu,e.u;european;brussels
        united nations;un,u.n;;
        nato;north atlantic treaty organization,alliance;;
        african union;;;
        latin america;;latin american;
        south america;;south american;
        north america;;north american;
        central america;;central american;
        middle east;;middle eastern;
        """;

    /// <summary>Folded name → entity key (the state's short English name).</summary>
    public static FrozenDictionary<string, string> Aliases { get; } = Build();

    private static FrozenDictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Rows.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(';');
            var key = fields[0];
            map.TryAdd(key, key);
            foreach (var name in Names(fields[1]).Concat(Names(fields[3])))
            {
                map.TryAdd(TextFolding.Fold(name), key);
            }

            foreach (var demonym in Names(fields[2]))
            {
                map.TryAdd(demonym, key);
                if (!demonym.EndsWith("ese", StringComparison.Ordinal) && !demonym.EndsWith("sh", StringComparison.Ordinal) && !demonym.EndsWith("ch", StringComparison.Ordinal) && demonym[^1] is not ('s' or 'x' or 'z'))
                {
                    map.TryAdd(demonym + "s", key);
                }
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string[] Names(string field) =>
        field.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
