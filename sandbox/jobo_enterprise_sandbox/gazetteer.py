"""A small built-in gazetteer of real cities, for synthetic job locations and geocoding.

Each :class:`City` carries its region (state, province, county, land…), an optional
short region code (US states always have their two-letter code, e.g. ``"CA"``), the
country name, the ISO 3166-1 alpha-2 country code and approximate coordinates.

>>> from jobo_enterprise_sandbox import gazetteer
>>> sf = gazetteer.find("San Francisco")[0]
>>> (sf.region, sf.region_code, sf.country_code)
('California', 'CA', 'US')
"""

from __future__ import annotations

import unicodedata
from typing import Dict, List, NamedTuple, Optional, Tuple

__all__ = ["City", "CITIES", "COUNTRIES", "find", "fold", "country_name"]


class City(NamedTuple):
    name: str
    region: Optional[str]
    region_code: Optional[str]
    country: str
    country_code: str
    latitude: float
    longitude: float

    @property
    def display_name(self) -> str:
        """``"San Francisco, CA, United States"`` (region code when there is one)."""
        parts = [self.name]
        region = self.region_code or self.region
        if region and region != self.name:
            parts.append(region)
        parts.append(self.country)
        return ", ".join(parts)


COUNTRIES: Dict[str, str] = {
    "US": "United States", "CA": "Canada", "MX": "Mexico", "GB": "United Kingdom",
    "IE": "Ireland", "DE": "Germany", "FR": "France", "NL": "Netherlands", "BE": "Belgium",
    "LU": "Luxembourg", "CH": "Switzerland", "AT": "Austria", "ES": "Spain", "PT": "Portugal",
    "IT": "Italy", "SE": "Sweden", "DK": "Denmark", "NO": "Norway", "FI": "Finland",
    "IS": "Iceland", "PL": "Poland", "CZ": "Czechia", "SK": "Slovakia", "HU": "Hungary",
    "RO": "Romania", "BG": "Bulgaria", "GR": "Greece", "EE": "Estonia", "LV": "Latvia",
    "LT": "Lithuania", "HR": "Croatia", "SI": "Slovenia", "RS": "Serbia", "UA": "Ukraine",
    "TR": "Türkiye", "IL": "Israel", "AE": "United Arab Emirates", "SA": "Saudi Arabia",
    "QA": "Qatar", "EG": "Egypt", "MA": "Morocco", "NG": "Nigeria", "KE": "Kenya",
    "ZA": "South Africa", "GH": "Ghana", "RW": "Rwanda", "ET": "Ethiopia", "IN": "India",
    "PK": "Pakistan", "BD": "Bangladesh", "LK": "Sri Lanka", "CN": "China", "HK": "Hong Kong",
    "TW": "Taiwan", "JP": "Japan", "KR": "South Korea", "SG": "Singapore", "MY": "Malaysia",
    "TH": "Thailand", "VN": "Vietnam", "PH": "Philippines", "ID": "Indonesia",
    "AU": "Australia", "NZ": "New Zealand", "BR": "Brazil", "AR": "Argentina", "CL": "Chile",
    "CO": "Colombia", "PE": "Peru", "UY": "Uruguay", "CR": "Costa Rica", "EC": "Ecuador",
    "PA": "Panama",
}

# (city, region, region code, ISO country code, latitude, longitude)
_ROWS: Tuple[Tuple[str, Optional[str], Optional[str], str, float, float], ...] = (
    # United States
    ("New York", "New York", "NY", "US", 40.7128, -74.0060),
    ("Los Angeles", "California", "CA", "US", 34.0522, -118.2437),
    ("Chicago", "Illinois", "IL", "US", 41.8781, -87.6298),
    ("Houston", "Texas", "TX", "US", 29.7604, -95.3698),
    ("Phoenix", "Arizona", "AZ", "US", 33.4484, -112.0740),
    ("Philadelphia", "Pennsylvania", "PA", "US", 39.9526, -75.1652),
    ("San Antonio", "Texas", "TX", "US", 29.4241, -98.4936),
    ("San Diego", "California", "CA", "US", 32.7157, -117.1611),
    ("Dallas", "Texas", "TX", "US", 32.7767, -96.7970),
    ("San Jose", "California", "CA", "US", 37.3382, -121.8863),
    ("Austin", "Texas", "TX", "US", 30.2672, -97.7431),
    ("Jacksonville", "Florida", "FL", "US", 30.3322, -81.6557),
    ("Fort Worth", "Texas", "TX", "US", 32.7555, -97.3308),
    ("Columbus", "Ohio", "OH", "US", 39.9612, -82.9988),
    ("Charlotte", "North Carolina", "NC", "US", 35.2271, -80.8431),
    ("San Francisco", "California", "CA", "US", 37.7749, -122.4194),
    ("Indianapolis", "Indiana", "IN", "US", 39.7684, -86.1581),
    ("Seattle", "Washington", "WA", "US", 47.6062, -122.3321),
    ("Denver", "Colorado", "CO", "US", 39.7392, -104.9903),
    ("Washington", "District of Columbia", "DC", "US", 38.9072, -77.0369),
    ("Boston", "Massachusetts", "MA", "US", 42.3601, -71.0589),
    ("El Paso", "Texas", "TX", "US", 31.7619, -106.4850),
    ("Nashville", "Tennessee", "TN", "US", 36.1627, -86.7816),
    ("Detroit", "Michigan", "MI", "US", 42.3314, -83.0458),
    ("Oklahoma City", "Oklahoma", "OK", "US", 35.4676, -97.5164),
    ("Portland", "Oregon", "OR", "US", 45.5152, -122.6784),
    ("Las Vegas", "Nevada", "NV", "US", 36.1699, -115.1398),
    ("Memphis", "Tennessee", "TN", "US", 35.1495, -90.0490),
    ("Louisville", "Kentucky", "KY", "US", 38.2527, -85.7585),
    ("Baltimore", "Maryland", "MD", "US", 39.2904, -76.6122),
    ("Milwaukee", "Wisconsin", "WI", "US", 43.0389, -87.9065),
    ("Albuquerque", "New Mexico", "NM", "US", 35.0844, -106.6504),
    ("Tucson", "Arizona", "AZ", "US", 32.2226, -110.9747),
    ("Fresno", "California", "CA", "US", 36.7378, -119.7871),
    ("Sacramento", "California", "CA", "US", 38.5816, -121.4944),
    ("Kansas City", "Missouri", "MO", "US", 39.0997, -94.5786),
    ("Atlanta", "Georgia", "GA", "US", 33.7490, -84.3880),
    ("Miami", "Florida", "FL", "US", 25.7617, -80.1918),
    ("Raleigh", "North Carolina", "NC", "US", 35.7796, -78.6382),
    ("Omaha", "Nebraska", "NE", "US", 41.2565, -95.9345),
    ("Minneapolis", "Minnesota", "MN", "US", 44.9778, -93.2650),
    ("Tulsa", "Oklahoma", "OK", "US", 36.1540, -95.9928),
    ("Cleveland", "Ohio", "OH", "US", 41.4993, -81.6944),
    ("Tampa", "Florida", "FL", "US", 27.9506, -82.4572),
    ("Orlando", "Florida", "FL", "US", 28.5383, -81.3792),
    ("Pittsburgh", "Pennsylvania", "PA", "US", 40.4406, -79.9959),
    ("Cincinnati", "Ohio", "OH", "US", 39.1031, -84.5120),
    ("St. Louis", "Missouri", "MO", "US", 38.6270, -90.1994),
    ("Salt Lake City", "Utah", "UT", "US", 40.7608, -111.8910),
    ("Boise", "Idaho", "ID", "US", 43.6150, -116.2023),
    ("Madison", "Wisconsin", "WI", "US", 43.0731, -89.4012),
    ("Des Moines", "Iowa", "IA", "US", 41.5868, -93.6250),
    ("Richmond", "Virginia", "VA", "US", 37.5407, -77.4360),
    ("Arlington", "Virginia", "VA", "US", 38.8816, -77.0910),
    ("Palo Alto", "California", "CA", "US", 37.4419, -122.1430),
    ("Mountain View", "California", "CA", "US", 37.3861, -122.0839),
    ("Oakland", "California", "CA", "US", 37.8044, -122.2712),
    ("Irvine", "California", "CA", "US", 33.6846, -117.8265),
    ("Boulder", "Colorado", "CO", "US", 40.0150, -105.2705),
    ("Cambridge", "Massachusetts", "MA", "US", 42.3736, -71.1097),
    ("Ann Arbor", "Michigan", "MI", "US", 42.2808, -83.7430),
    ("Providence", "Rhode Island", "RI", "US", 41.8240, -71.4128),
    ("Hartford", "Connecticut", "CT", "US", 41.7658, -72.6734),
    ("Newark", "New Jersey", "NJ", "US", 40.7357, -74.1724),
    ("Jersey City", "New Jersey", "NJ", "US", 40.7178, -74.0431),
    ("Honolulu", "Hawaii", "HI", "US", 21.3069, -157.8583),
    ("Anchorage", "Alaska", "AK", "US", 61.2181, -149.9003),
    ("Birmingham", "Alabama", "AL", "US", 33.5186, -86.8104),
    ("New Orleans", "Louisiana", "LA", "US", 29.9511, -90.0715),
    ("Little Rock", "Arkansas", "AR", "US", 34.7465, -92.2896),
    ("Charleston", "South Carolina", "SC", "US", 32.7765, -79.9311),
    ("Burlington", "Vermont", "VT", "US", 44.4759, -73.2121),
    ("Portland", "Maine", "ME", "US", 43.6591, -70.2568),
    ("Manchester", "New Hampshire", "NH", "US", 42.9956, -71.4548),
    ("Wilmington", "Delaware", "DE", "US", 39.7391, -75.5398),
    ("Morgantown", "West Virginia", "WV", "US", 39.6295, -79.9559),
    ("Sioux Falls", "South Dakota", "SD", "US", 43.5446, -96.7311),
    ("Fargo", "North Dakota", "ND", "US", 46.8772, -96.7898),
    ("Billings", "Montana", "MT", "US", 45.7833, -108.5007),
    ("Cheyenne", "Wyoming", "WY", "US", 41.1400, -104.8202),
    ("Reno", "Nevada", "NV", "US", 39.5296, -119.8138),
    ("Santa Fe", "New Mexico", "NM", "US", 35.6870, -105.9378),
    ("Spokane", "Washington", "WA", "US", 47.6588, -117.4260),
    ("Jackson", "Mississippi", "MS", "US", 32.2988, -90.1848),
    ("Durham", "North Carolina", "NC", "US", 35.9940, -78.8986),
    ("Scottsdale", "Arizona", "AZ", "US", 33.4942, -111.9261),
    ("Plano", "Texas", "TX", "US", 33.0198, -96.6989),
    ("Lexington", "Kentucky", "KY", "US", 38.0406, -84.5037),
    ("Buffalo", "New York", "NY", "US", 42.8864, -78.8784),
    ("Rochester", "New York", "NY", "US", 43.1566, -77.6088),
    ("Albany", "New York", "NY", "US", 42.6526, -73.7562),
    # Canada
    ("Toronto", "Ontario", "ON", "CA", 43.6532, -79.3832),
    ("Montréal", "Quebec", "QC", "CA", 45.5017, -73.5673),
    ("Vancouver", "British Columbia", "BC", "CA", 49.2827, -123.1207),
    ("Calgary", "Alberta", "AB", "CA", 51.0447, -114.0719),
    ("Edmonton", "Alberta", "AB", "CA", 53.5461, -113.4938),
    ("Ottawa", "Ontario", "ON", "CA", 45.4215, -75.6972),
    ("Winnipeg", "Manitoba", "MB", "CA", 49.8951, -97.1384),
    ("Québec City", "Quebec", "QC", "CA", 46.8139, -71.2080),
    ("Halifax", "Nova Scotia", "NS", "CA", 44.6488, -63.5752),
    ("Waterloo", "Ontario", "ON", "CA", 43.4643, -80.5204),
    ("Victoria", "British Columbia", "BC", "CA", 48.4284, -123.3656),
    ("Saskatoon", "Saskatchewan", "SK", "CA", 52.1332, -106.6700),
    # United Kingdom and Ireland
    ("London", "England", "ENG", "GB", 51.5074, -0.1278),
    ("Manchester", "England", "ENG", "GB", 53.4808, -2.2426),
    ("Birmingham", "England", "ENG", "GB", 52.4862, -1.8904),
    ("Edinburgh", "Scotland", "SCT", "GB", 55.9533, -3.1883),
    ("Glasgow", "Scotland", "SCT", "GB", 55.8642, -4.2518),
    ("Leeds", "England", "ENG", "GB", 53.8008, -1.5491),
    ("Bristol", "England", "ENG", "GB", 51.4545, -2.5879),
    ("Liverpool", "England", "ENG", "GB", 53.4084, -2.9916),
    ("Cambridge", "England", "ENG", "GB", 52.2053, 0.1218),
    ("Oxford", "England", "ENG", "GB", 51.7520, -1.2577),
    ("Cardiff", "Wales", "WLS", "GB", 51.4816, -3.1791),
    ("Belfast", "Northern Ireland", "NIR", "GB", 54.5973, -5.9301),
    ("Newcastle upon Tyne", "England", "ENG", "GB", 54.9783, -1.6178),
    ("Sheffield", "England", "ENG", "GB", 53.3811, -1.4701),
    ("Nottingham", "England", "ENG", "GB", 52.9548, -1.1581),
    ("Dublin", "Leinster", None, "IE", 53.3498, -6.2603),
    ("Cork", "Munster", None, "IE", 51.8985, -8.4756),
    ("Galway", "Connacht", None, "IE", 53.2707, -9.0568),
    # Germany
    ("Berlin", "Berlin", "BE", "DE", 52.5200, 13.4050),
    ("Munich", "Bavaria", "BY", "DE", 48.1351, 11.5820),
    ("Hamburg", "Hamburg", "HH", "DE", 53.5511, 9.9937),
    ("Frankfurt am Main", "Hesse", "HE", "DE", 50.1109, 8.6821),
    ("Cologne", "North Rhine-Westphalia", "NW", "DE", 50.9375, 6.9603),
    ("Düsseldorf", "North Rhine-Westphalia", "NW", "DE", 51.2277, 6.7735),
    ("Stuttgart", "Baden-Württemberg", "BW", "DE", 48.7758, 9.1829),
    ("Leipzig", "Saxony", "SN", "DE", 51.3397, 12.3731),
    ("Dresden", "Saxony", "SN", "DE", 51.0504, 13.7373),
    ("Nuremberg", "Bavaria", "BY", "DE", 49.4521, 11.0767),
    ("Hanover", "Lower Saxony", "NI", "DE", 52.3759, 9.7320),
    ("Karlsruhe", "Baden-Württemberg", "BW", "DE", 49.0069, 8.4037),
    ("Bremen", "Bremen", "HB", "DE", 53.0793, 8.8017),
    # France
    ("Paris", "Île-de-France", "IDF", "FR", 48.8566, 2.3522),
    ("Lyon", "Auvergne-Rhône-Alpes", "ARA", "FR", 45.7640, 4.8357),
    ("Marseille", "Provence-Alpes-Côte d'Azur", "PAC", "FR", 43.2965, 5.3698),
    ("Toulouse", "Occitanie", "OCC", "FR", 43.6047, 1.4442),
    ("Nice", "Provence-Alpes-Côte d'Azur", "PAC", "FR", 43.7102, 7.2620),
    ("Nantes", "Pays de la Loire", "PDL", "FR", 47.2184, -1.5536),
    ("Bordeaux", "Nouvelle-Aquitaine", "NAQ", "FR", 44.8378, -0.5792),
    ("Lille", "Hauts-de-France", "HDF", "FR", 50.6292, 3.0573),
    ("Strasbourg", "Grand Est", "GES", "FR", 48.5734, 7.7521),
    ("Montpellier", "Occitanie", "OCC", "FR", 43.6108, 3.8767),
    ("Grenoble", "Auvergne-Rhône-Alpes", "ARA", "FR", 45.1885, 5.7245),
    ("Rennes", "Brittany", "BRE", "FR", 48.1173, -1.6778),
    # Benelux
    ("Amsterdam", "North Holland", "NH", "NL", 52.3676, 4.9041),
    ("Rotterdam", "South Holland", "ZH", "NL", 51.9244, 4.4777),
    ("The Hague", "South Holland", "ZH", "NL", 52.0705, 4.3007),
    ("Utrecht", "Utrecht", "UT", "NL", 52.0907, 5.1214),
    ("Eindhoven", "North Brabant", "NB", "NL", 51.4416, 5.4697),
    ("Groningen", "Groningen", "GR", "NL", 53.2194, 6.5665),
    ("Brussels", "Brussels-Capital", "BRU", "BE", 50.8503, 4.3517),
    ("Antwerp", "Flanders", "VLG", "BE", 51.2194, 4.4025),
    ("Ghent", "Flanders", "VLG", "BE", 51.0543, 3.7174),
    ("Leuven", "Flanders", "VLG", "BE", 50.8798, 4.7005),
    ("Luxembourg", "Luxembourg", None, "LU", 49.6116, 6.1319),
    # Switzerland and Austria
    ("Zürich", "Zürich", "ZH", "CH", 47.3769, 8.5417),
    ("Geneva", "Geneva", "GE", "CH", 46.2044, 6.1432),
    ("Basel", "Basel-Stadt", "BS", "CH", 47.5596, 7.5886),
    ("Bern", "Bern", "BE", "CH", 46.9480, 7.4474),
    ("Lausanne", "Vaud", "VD", "CH", 46.5197, 6.6323),
    ("Vienna", "Vienna", "W", "AT", 48.2082, 16.3738),
    ("Graz", "Styria", "ST", "AT", 47.0707, 15.4395),
    ("Salzburg", "Salzburg", "S", "AT", 47.8095, 13.0550),
    ("Linz", "Upper Austria", "OO", "AT", 48.3069, 14.2858),
    ("Innsbruck", "Tyrol", "T", "AT", 47.2692, 11.4041),
    # Iberia and Italy
    ("Madrid", "Community of Madrid", "MD", "ES", 40.4168, -3.7038),
    ("Barcelona", "Catalonia", "CT", "ES", 41.3851, 2.1734),
    ("Valencia", "Valencian Community", "VC", "ES", 39.4699, -0.3763),
    ("Seville", "Andalusia", "AN", "ES", 37.3891, -5.9845),
    ("Málaga", "Andalusia", "AN", "ES", 36.7213, -4.4214),
    ("Bilbao", "Basque Country", "PV", "ES", 43.2630, -2.9350),
    ("Zaragoza", "Aragon", "AR", "ES", 41.6488, -0.8891),
    ("A Coruña", "Galicia", "GA", "ES", 43.3623, -8.4115),
    ("Lisbon", "Lisbon", None, "PT", 38.7223, -9.1393),
    ("Porto", "Porto", None, "PT", 41.1579, -8.6291),
    ("Braga", "Braga", None, "PT", 41.5454, -8.4265),
    ("Coimbra", "Coimbra", None, "PT", 40.2033, -8.4103),
    ("Rome", "Lazio", None, "IT", 41.9028, 12.4964),
    ("Milan", "Lombardy", None, "IT", 45.4642, 9.1900),
    ("Turin", "Piedmont", None, "IT", 45.0703, 7.6869),
    ("Naples", "Campania", None, "IT", 40.8518, 14.2681),
    ("Bologna", "Emilia-Romagna", None, "IT", 44.4949, 11.3426),
    ("Florence", "Tuscany", None, "IT", 43.7696, 11.2558),
    ("Genoa", "Liguria", None, "IT", 44.4056, 8.9463),
    ("Venice", "Veneto", None, "IT", 45.4408, 12.3155),
    # Nordics
    ("Stockholm", "Stockholm County", None, "SE", 59.3293, 18.0686),
    ("Gothenburg", "Västra Götaland", None, "SE", 57.7089, 11.9746),
    ("Malmö", "Skåne", None, "SE", 55.6050, 13.0038),
    ("Uppsala", "Uppsala County", None, "SE", 59.8586, 17.6389),
    ("Copenhagen", "Capital Region of Denmark", None, "DK", 55.6761, 12.5683),
    ("Aarhus", "Central Denmark", None, "DK", 56.1629, 10.2039),
    ("Odense", "Southern Denmark", None, "DK", 55.4038, 10.4024),
    ("Oslo", "Oslo", None, "NO", 59.9139, 10.7522),
    ("Bergen", "Vestland", None, "NO", 60.3913, 5.3221),
    ("Trondheim", "Trøndelag", None, "NO", 63.4305, 10.3951),
    ("Helsinki", "Uusimaa", None, "FI", 60.1699, 24.9384),
    ("Espoo", "Uusimaa", None, "FI", 60.2055, 24.6559),
    ("Tampere", "Pirkanmaa", None, "FI", 61.4978, 23.7610),
    ("Reykjavík", "Capital Region", None, "IS", 64.1466, -21.9426),
    # Central and Eastern Europe
    ("Warsaw", "Masovian", None, "PL", 52.2297, 21.0122),
    ("Kraków", "Lesser Poland", None, "PL", 50.0647, 19.9450),
    ("Wrocław", "Lower Silesian", None, "PL", 51.1079, 17.0385),
    ("Gdańsk", "Pomeranian", None, "PL", 54.3520, 18.6466),
    ("Poznań", "Greater Poland", None, "PL", 52.4064, 16.9252),
    ("Łódź", "Łódź", None, "PL", 51.7592, 19.4560),
    ("Prague", "Prague", None, "CZ", 50.0755, 14.4378),
    ("Brno", "South Moravian", None, "CZ", 49.1951, 16.6068),
    ("Bratislava", "Bratislava", None, "SK", 48.1486, 17.1077),
    ("Budapest", "Budapest", None, "HU", 47.4979, 19.0402),
    ("Bucharest", "Bucharest", None, "RO", 44.4268, 26.1025),
    ("Cluj-Napoca", "Cluj", None, "RO", 46.7712, 23.6236),
    ("Sofia", "Sofia City", None, "BG", 42.6977, 23.3219),
    ("Athens", "Attica", None, "GR", 37.9838, 23.7275),
    ("Thessaloniki", "Central Macedonia", None, "GR", 40.6401, 22.9444),
    ("Tallinn", "Harju", None, "EE", 59.4370, 24.7536),
    ("Riga", "Riga", None, "LV", 56.9496, 24.1052),
    ("Vilnius", "Vilnius County", None, "LT", 54.6872, 25.2797),
    ("Zagreb", "City of Zagreb", None, "HR", 45.8150, 15.9819),
    ("Ljubljana", "Ljubljana", None, "SI", 46.0569, 14.5058),
    ("Belgrade", "Belgrade", None, "RS", 44.7866, 20.4489),
    ("Kyiv", "Kyiv", None, "UA", 50.4501, 30.5234),
    ("Lviv", "Lviv Oblast", None, "UA", 49.8397, 24.0297),
    ("Istanbul", "Istanbul", None, "TR", 41.0082, 28.9784),
    ("Ankara", "Ankara", None, "TR", 39.9334, 32.8597),
    ("İzmir", "İzmir", None, "TR", 38.4237, 27.1428),
    # Middle East and Africa
    ("Tel Aviv", "Tel Aviv District", None, "IL", 32.0853, 34.7818),
    ("Jerusalem", "Jerusalem District", None, "IL", 31.7683, 35.2137),
    ("Haifa", "Haifa District", None, "IL", 32.7940, 34.9896),
    ("Dubai", "Dubai", None, "AE", 25.2048, 55.2708),
    ("Abu Dhabi", "Abu Dhabi", None, "AE", 24.4539, 54.3773),
    ("Riyadh", "Riyadh Province", None, "SA", 24.7136, 46.6753),
    ("Doha", "Doha", None, "QA", 25.2854, 51.5310),
    ("Cairo", "Cairo Governorate", None, "EG", 30.0444, 31.2357),
    ("Casablanca", "Casablanca-Settat", None, "MA", 33.5731, -7.5898),
    ("Lagos", "Lagos State", "LA", "NG", 6.5244, 3.3792),
    ("Abuja", "Federal Capital Territory", "FC", "NG", 9.0765, 7.3986),
    ("Nairobi", "Nairobi County", None, "KE", -1.2921, 36.8219),
    ("Cape Town", "Western Cape", "WC", "ZA", -33.9249, 18.4241),
    ("Johannesburg", "Gauteng", "GP", "ZA", -26.2041, 28.0473),
    ("Durban", "KwaZulu-Natal", "KZN", "ZA", -29.8587, 31.0218),
    ("Accra", "Greater Accra", None, "GH", 5.6037, -0.1870),
    ("Kigali", "Kigali", None, "RW", -1.9441, 30.0619),
    ("Addis Ababa", "Addis Ababa", None, "ET", 9.0300, 38.7400),
    # South Asia
    ("Bengaluru", "Karnataka", "KA", "IN", 12.9716, 77.5946),
    ("Mumbai", "Maharashtra", "MH", "IN", 19.0760, 72.8777),
    ("New Delhi", "Delhi", "DL", "IN", 28.6139, 77.2090),
    ("Hyderabad", "Telangana", "TG", "IN", 17.3850, 78.4867),
    ("Chennai", "Tamil Nadu", "TN", "IN", 13.0827, 80.2707),
    ("Pune", "Maharashtra", "MH", "IN", 18.5204, 73.8567),
    ("Kolkata", "West Bengal", "WB", "IN", 22.5726, 88.3639),
    ("Gurugram", "Haryana", "HR", "IN", 28.4595, 77.0266),
    ("Noida", "Uttar Pradesh", "UP", "IN", 28.5355, 77.3910),
    ("Ahmedabad", "Gujarat", "GJ", "IN", 23.0225, 72.5714),
    ("Kochi", "Kerala", "KL", "IN", 9.9312, 76.2673),
    ("Karachi", "Sindh", None, "PK", 24.8607, 67.0011),
    ("Lahore", "Punjab", None, "PK", 31.5204, 74.3587),
    ("Dhaka", "Dhaka Division", None, "BD", 23.8103, 90.4125),
    ("Colombo", "Western Province", None, "LK", 6.9271, 79.8612),
    # East and South-East Asia
    ("Shanghai", "Shanghai", None, "CN", 31.2304, 121.4737),
    ("Beijing", "Beijing", None, "CN", 39.9042, 116.4074),
    ("Shenzhen", "Guangdong", None, "CN", 22.5431, 114.0579),
    ("Guangzhou", "Guangdong", None, "CN", 23.1291, 113.2644),
    ("Hangzhou", "Zhejiang", None, "CN", 30.2741, 120.1551),
    ("Chengdu", "Sichuan", None, "CN", 30.5728, 104.0668),
    ("Hong Kong", "Hong Kong", None, "HK", 22.3193, 114.1694),
    ("Taipei", "Taipei", None, "TW", 25.0330, 121.5654),
    ("Tokyo", "Tokyo", None, "JP", 35.6762, 139.6503),
    ("Osaka", "Osaka", None, "JP", 34.6937, 135.5023),
    ("Kyoto", "Kyoto", None, "JP", 35.0116, 135.7681),
    ("Fukuoka", "Fukuoka", None, "JP", 33.5904, 130.4017),
    ("Yokohama", "Kanagawa", None, "JP", 35.4437, 139.6380),
    ("Sapporo", "Hokkaido", None, "JP", 43.0618, 141.3545),
    ("Seoul", "Seoul", None, "KR", 37.5665, 126.9780),
    ("Busan", "Busan", None, "KR", 35.1796, 129.0756),
    ("Singapore", None, None, "SG", 1.3521, 103.8198),
    ("Kuala Lumpur", "Federal Territory of Kuala Lumpur", None, "MY", 3.1390, 101.6869),
    ("George Town", "Penang", None, "MY", 5.4141, 100.3288),
    ("Bangkok", "Bangkok", None, "TH", 13.7563, 100.5018),
    ("Ho Chi Minh City", "Ho Chi Minh City", None, "VN", 10.8231, 106.6297),
    ("Hanoi", "Hanoi", None, "VN", 21.0278, 105.8342),
    ("Manila", "Metro Manila", None, "PH", 14.5995, 120.9842),
    ("Cebu City", "Central Visayas", None, "PH", 10.3157, 123.8854),
    ("Jakarta", "Jakarta", None, "ID", -6.2088, 106.8456),
    ("Denpasar", "Bali", None, "ID", -8.6705, 115.2126),
    # Oceania
    ("Sydney", "New South Wales", "NSW", "AU", -33.8688, 151.2093),
    ("Melbourne", "Victoria", "VIC", "AU", -37.8136, 144.9631),
    ("Brisbane", "Queensland", "QLD", "AU", -27.4698, 153.0251),
    ("Perth", "Western Australia", "WA", "AU", -31.9505, 115.8605),
    ("Adelaide", "South Australia", "SA", "AU", -34.9285, 138.6007),
    ("Canberra", "Australian Capital Territory", "ACT", "AU", -35.2809, 149.1300),
    ("Hobart", "Tasmania", "TAS", "AU", -42.8821, 147.3272),
    ("Auckland", "Auckland", None, "NZ", -36.8485, 174.7633),
    ("Wellington", "Wellington", None, "NZ", -41.2865, 174.7762),
    ("Christchurch", "Canterbury", None, "NZ", -43.5321, 172.6362),
    # Latin America
    ("São Paulo", "São Paulo", "SP", "BR", -23.5505, -46.6333),
    ("Rio de Janeiro", "Rio de Janeiro", "RJ", "BR", -22.9068, -43.1729),
    ("Belo Horizonte", "Minas Gerais", "MG", "BR", -19.9167, -43.9345),
    ("Brasília", "Federal District", "DF", "BR", -15.7939, -47.8828),
    ("Curitiba", "Paraná", "PR", "BR", -25.4284, -49.2733),
    ("Porto Alegre", "Rio Grande do Sul", "RS", "BR", -30.0346, -51.2177),
    ("Recife", "Pernambuco", "PE", "BR", -8.0476, -34.8770),
    ("Florianópolis", "Santa Catarina", "SC", "BR", -27.5954, -48.5480),
    ("Mexico City", "Mexico City", "CMX", "MX", 19.4326, -99.1332),
    ("Guadalajara", "Jalisco", "JAL", "MX", 20.6597, -103.3496),
    ("Monterrey", "Nuevo León", "NLE", "MX", 25.6866, -100.3161),
    ("Querétaro", "Querétaro", "QUE", "MX", 20.5888, -100.3899),
    ("Mérida", "Yucatán", "YUC", "MX", 20.9674, -89.5926),
    ("Tijuana", "Baja California", "BCN", "MX", 32.5149, -117.0382),
    ("Buenos Aires", "Buenos Aires", None, "AR", -34.6037, -58.3816),
    ("Córdoba", "Córdoba", None, "AR", -31.4201, -64.1888),
    ("Rosario", "Santa Fe", None, "AR", -32.9442, -60.6505),
    ("Mendoza", "Mendoza", None, "AR", -32.8895, -68.8458),
    ("Santiago", "Santiago Metropolitan", None, "CL", -33.4489, -70.6693),
    ("Valparaíso", "Valparaíso", None, "CL", -33.0472, -71.6127),
    ("Bogotá", "Bogotá", None, "CO", 4.7110, -74.0721),
    ("Medellín", "Antioquia", None, "CO", 6.2442, -75.5812),
    ("Cali", "Valle del Cauca", None, "CO", 3.4516, -76.5320),
    ("Lima", "Lima", None, "PE", -12.0464, -77.0428),
    ("Montevideo", "Montevideo", None, "UY", -34.9011, -56.1645),
    ("San José", "San José", None, "CR", 9.9281, -84.0907),
    ("Quito", "Pichincha", None, "EC", -0.1807, -78.4678),
    ("Panama City", "Panamá", None, "PA", 8.9824, -79.5199),
)

CITIES: Tuple[City, ...] = tuple(
    City(name, region, code, COUNTRIES[cc], cc, lat, lon)
    for (name, region, code, cc, lat, lon) in _ROWS
)


def fold(text: str) -> str:
    """Lowercase and strip accents: ``fold("Zürich") == "zurich"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ł", "l")


def _build_index() -> Dict[str, List[City]]:
    index: Dict[str, List[City]] = {}
    for city in CITIES:
        keys = {fold(city.name)}
        for key in keys:
            index.setdefault(key, []).append(city)
    return index


_BY_NAME = _build_index()


def find(name: str, country_code: Optional[str] = None) -> List[City]:
    """Cities whose name matches ``name`` (case- and accent-insensitive), optionally
    restricted to one ISO country code. Returns ``[]`` when none match."""
    found = _BY_NAME.get(fold(name.strip()), [])
    if country_code:
        cc = country_code.strip().upper()
        found = [c for c in found if c.country_code == cc]
    return list(found)


def country_name(code: str) -> Optional[str]:
    """``country_name("de") == "Germany"``; ``None`` for an unknown code."""
    return COUNTRIES.get(code.strip().upper())
