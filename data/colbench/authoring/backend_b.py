"""Backend tasks be-train-081..100 and be-test-001..020 (format: see README.md in this folder).

Each request is what a person would say first; each ground truth carries the personal details
(thresholds, rates, rounding, formats, edge-case rules) that the agent has to ask about.
"""

TASKS = [
    {
        "id": "be-train-081",
        "request": (
            "I knit a lot of scarves and blankets. I want a python function that tells me how "
            "many skeins of yarn to buy for a project."
        ),
        "ground_truth": """
            def yarn_skeins(width_cm, length_cm, yarn_weight="worsted"):
                import math
                grams_per_100cm2 = {
                    "lace": 0.9, "fingering": 1.5, "dk": 2.2, "worsted": 2.8, "bulky": 3.6
                }
                skein_grams = 150 if yarn_weight == "bulky" else 100
                grams = width_cm * length_cm / 100 * grams_per_100cm2.get(yarn_weight, 2.8)
                spare_factor = 1.1
                return math.ceil(grams * spare_factor / skein_grams)
        """,
        "tests": [
            "yarn_skeins(50, 150)",
            "yarn_skeins(20, 180, 'fingering')",
            "yarn_skeins(60, 200, 'bulky')",
            "yarn_skeins(100, 100, 'dk')",
            "yarn_skeins(30, 30)",
            "yarn_skeins(0, 100)",
            "yarn_skeins(80, 120, 'lace')",
            "yarn_skeins(150, 200, 'worsted')",
            "yarn_skeins(45, 160, 'mohair')",
            "yarn_skeins(90, 90, 'bulky')",
        ],
    },
    {
        "id": "be-train-082",
        "request": (
            "I lift at a small gym and hate doing plate math. I want a python function that tells "
            "me which plates to put on each side of the bar for a given total weight."
        ),
        "ground_truth": """
            def plates_per_side(total_kg, bar_kg=20):
                plates = [20, 15, 10, 5, 2.5, 1.25]
                remaining = (total_kg - bar_kg) / 2
                if remaining <= 0:
                    return []
                loaded = []
                for plate in plates:
                    while remaining >= plate - 1e-9:
                        loaded.append(plate)
                        remaining -= plate
                return loaded
        """,
        "tests": [
            "plates_per_side(100)",
            "plates_per_side(60)",
            "plates_per_side(20)",
            "plates_per_side(15)",
            "plates_per_side(72.5)",
            "plates_per_side(143)",
            "plates_per_side(70, bar_kg=15)",
            "plates_per_side(25)",
            "plates_per_side(120)",
            "plates_per_side(87.5)",
        ],
    },
    {
        "id": "be-train-083",
        "request": (
            "I bake sourdough every weekend. I want a python function that tells me how much to "
            "feed my starter."
        ),
        "ground_truth": """
            def starter_feed(starter_g, ratio=5):
                flour = starter_g * ratio
                rye_share = 0.2
                hydration = 0.8
                rye = int(round(flour * rye_share))
                water = int(round(flour * hydration))
                return {"rye": rye, "white": int(round(flour)) - rye, "water": water}
        """,
        "tests": [
            "starter_feed(20)",
            "starter_feed(50)",
            "starter_feed(10, 2)",
            "starter_feed(15, ratio=3)",
            "starter_feed(0)",
            "starter_feed(33)",
            "starter_feed(25, 1)",
            "starter_feed(12.5)",
            "starter_feed(40, 4)",
            "starter_feed(7)",
        ],
    },
    {
        "id": "be-train-084",
        "request": (
            "I play guitar and often need to move songs into a different key. Can you write a "
            "python function that transposes a chord?"
        ),
        "ground_truth": """
            def transpose_chord(chord, semitones):
                names = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
                aliases = {"C#": "Db", "D#": "Eb", "Gb": "F#", "G#": "Ab", "A#": "Bb"}
                root = chord[:2] if len(chord) > 1 and chord[1] in "#b" else chord[:1]
                suffix = chord[len(root):]
                root = aliases.get(root, root)
                if root not in names:
                    return chord
                return names[(names.index(root) + semitones) % 12] + suffix
        """,
        "tests": [
            "transpose_chord('C', 2)",
            "transpose_chord('C', 1)",
            "transpose_chord('A', 1)",
            "transpose_chord('E', 2)",
            "transpose_chord('Am', 3)",
            "transpose_chord('G#m7', 1)",
            "transpose_chord('F', -1)",
            "transpose_chord('Bb', 14)",
            "transpose_chord('H', 2)",
            "transpose_chord('D#dim', 0)",
        ],
    },
    {
        "id": "be-train-085",
        "request": (
            "Most of my recipes come from British sites and my oven is American. Can you write a "
            "python function that gives me the number to set the oven dial to?"
        ),
        "ground_truth": """
            def oven_dial(celsius, fan_recipe=False):
                fan_offset_c = 20
                dial_step_f = 25
                lowest_dial, highest_dial = 200, 500
                if fan_recipe:
                    celsius += fan_offset_c
                fahrenheit = celsius * 9 / 5 + 32
                dial = int(fahrenheit / dial_step_f + 0.5) * dial_step_f
                return min(max(dial, lowest_dial), highest_dial)
        """,
        "tests": [
            "oven_dial(180)",
            "oven_dial(180, True)",
            "oven_dial(200)",
            "oven_dial(160, fan_recipe=True)",
            "oven_dial(220)",
            "oven_dial(50)",
            "oven_dial(300)",
            "oven_dial(150)",
            "oven_dial(240, True)",
            "oven_dial(175)",
        ],
    },
    {
        "id": "be-train-086",
        "request": (
            "I log my work in a notes app with short durations like '2h 15m'. I want a python "
            "function that turns those strings into a number of minutes."
        ),
        "ground_truth": """
            def to_minutes(text):
                import re
                text = text.strip().lower()
                if not text:
                    return 0
                if re.fullmatch(r"\\d+(\\.\\d+)?", text):
                    return int(round(float(text) * 60))
                units = {"d": 480, "h": 60, "m": 1}
                total = 0.0
                for amount, unit in re.findall(r"(\\d+(?:\\.\\d+)?)\\s*([dhm])", text):
                    total += float(amount) * units[unit]
                return int(round(total))
        """,
        "tests": [
            "to_minutes('2h 15m')",
            "to_minutes('45m')",
            "to_minutes('1d')",
            "to_minutes('1d 2h')",
            "to_minutes('3')",
            "to_minutes('1.5')",
            "to_minutes('')",
            "to_minutes('1.5h')",
            "to_minutes(' 2H30M ')",
            "to_minutes('0.5d 10m')",
        ],
    },
    {
        "id": "be-train-087",
        "request": (
            "I run a small blog and want to show readers an estimate at the top of each post. "
            "Can you write a python function for the reading time?"
        ),
        "ground_truth": """
            def reading_time(text):
                import math
                images = text.count("[img]")
                words = [w for w in text.replace("[img]", " ").split() if w]
                words_per_minute = 230
                seconds_per_image = 12
                seconds = len(words) / words_per_minute * 60 + images * seconds_per_image
                return max(1, math.ceil(seconds / 60))
        """,
        "tests": [
            "reading_time('')",
            "reading_time('hello world')",
            "reading_time(' '.join(['word'] * 230))",
            "reading_time(' '.join(['word'] * 231))",
            "reading_time(' '.join(['word'] * 1000))",
            "reading_time('[img] ' * 5)",
            "reading_time(' '.join(['word'] * 220) + ' [img]')",
            "reading_time(' '.join(['w'] * 460) + ' [img][img]')",
            "reading_time('[img]' * 10 + ' ' + ' '.join(['w'] * 100))",
            "reading_time(' '.join(['word'] * 2300))",
        ],
    },
    {
        "id": "be-train-088",
        "request": (
            "I'm the secretary of our bowling league. I want a python function that works out a "
            "bowler's handicap."
        ),
        "ground_truth": """
            def bowling_handicap(average, games_bowled):
                min_games, base_score, percentage, max_handicap = 9, 220, 0.9, 80
                if games_bowled < min_games:
                    return 0
                handicap = int((base_score - average) * percentage)
                return min(max(handicap, 0), max_handicap)
        """,
        "tests": [
            "bowling_handicap(150, 12)",
            "bowling_handicap(150, 8)",
            "bowling_handicap(150, 9)",
            "bowling_handicap(220, 30)",
            "bowling_handicap(230, 30)",
            "bowling_handicap(100, 20)",
            "bowling_handicap(131, 10)",
            "bowling_handicap(132, 10)",
            "bowling_handicap(199.5, 15)",
            "bowling_handicap(175, 50)",
        ],
    },
    {
        "id": "be-train-089",
        "request": (
            "I sell ceramics online and ship everything myself. I want a python function that "
            "picks which box to use for an item."
        ),
        "ground_truth": """
            def choose_box(length, width, height):
                boxes = [("S", (20, 15, 10)), ("M", (30, 25, 20)), ("L", (45, 35, 30))]
                padding = 2
                item = sorted([length + 2 * padding, width + 2 * padding, height + 2 * padding])
                for name, dims in boxes:
                    if all(i <= d for i, d in zip(item, sorted(dims))):
                        return name
                return "custom"
        """,
        "tests": [
            "choose_box(10, 8, 5)",
            "choose_box(16, 11, 6)",
            "choose_box(17, 11, 6)",
            "choose_box(6, 16, 11)",
            "choose_box(26, 21, 16)",
            "choose_box(26, 22, 16)",
            "choose_box(40, 30, 20)",
            "choose_box(41, 31, 26)",
            "choose_box(42, 10, 10)",
            "choose_box(5, 5, 40)",
        ],
    },
    {
        "id": "be-train-090",
        "request": (
            "I keep bees in my back garden. Can you write a python function that estimates how "
            "much honey I can take off at harvest?"
        ),
        "ground_truth": """
            def honey_harvest_kg(capped_frames, hives):
                winter_frames_per_hive = 9
                kg_per_frame = 2.3
                extraction_rate = 0.85
                spare = max(capped_frames - winter_frames_per_hive * hives, 0)
                return round(spare * kg_per_frame * extraction_rate, 1)
        """,
        "tests": [
            "honey_harvest_kg(30, 2)",
            "honey_harvest_kg(9, 1)",
            "honey_harvest_kg(10, 1)",
            "honey_harvest_kg(0, 3)",
            "honey_harvest_kg(50, 3)",
            "honey_harvest_kg(100, 4)",
            "honey_harvest_kg(18, 2)",
            "honey_harvest_kg(21, 2)",
            "honey_harvest_kg(45, 5)",
            "honey_harvest_kg(27, 1)",
        ],
    },
    {
        "id": "be-train-091",
        "request": (
            "I'm making my own flashcard app for learning Japanese. I want a python function that"
            " decides when a card should come back for review."
        ),
        "ground_truth": """
            def next_review_days(interval_days, grade):
                if grade < 3:
                    return 1
                ease = {3: 1.3, 4: 2.0, 5: 2.5}[min(grade, 5)]
                days = int(interval_days * ease + 0.5)
                max_days = 180
                return min(max(days, 1), max_days)
        """,
        "tests": [
            "next_review_days(10, 2)",
            "next_review_days(10, 3)",
            "next_review_days(10, 4)",
            "next_review_days(10, 5)",
            "next_review_days(0, 5)",
            "next_review_days(1, 3)",
            "next_review_days(2, 3)",
            "next_review_days(100, 5)",
            "next_review_days(7, 4)",
            "next_review_days(50, 3)",
        ],
    },
    {
        "id": "be-train-092",
        "request": (
            "I have a small wine cellar and lose track of what to open. I want a python function "
            "that tells me the years in which a bottle is good to drink."
        ),
        "ground_truth": """
            def drink_window(vintage, style):
                windows = {"red": (3, 12), "white": (1, 5), "rose": (0, 2), "sparkling": (2, 8),
                           "port": (10, 40)}
                start, end = windows.get(style.lower(), (1, 4))
                return [vintage + start, vintage + end]
        """,
        "tests": [
            "drink_window(2015, 'red')",
            "drink_window(2020, 'white')",
            "drink_window(2022, 'Rose')",
            "drink_window(2018, 'sparkling')",
            "drink_window(2000, 'port')",
            "drink_window(2019, 'orange')",
            "drink_window(1985, 'Port')",
            "drink_window(2021, 'RED')",
            "drink_window(2023, 'rose')",
            "drink_window(2010, 'dessert')",
        ],
    },
    {
        "id": "be-train-093",
        "request": (
            "My calendar is a mess. I want a python function that finds the first free slot in my "
            "day for a meeting of a given length."
        ),
        "ground_truth": """
            def first_free_slot(busy, duration, day_start=540, day_end=1050):
                lunch = (720, 780)
                buffer_minutes = 10
                blocked = [lunch] + [(s, e + buffer_minutes) for s, e in busy]
                blocked.sort()
                start = day_start
                for s, e in blocked:
                    if s - start >= duration:
                        break
                    start = max(start, e)
                if start + duration <= day_end:
                    return start
                return None
        """,
        "tests": [
            "first_free_slot([], 30)",
            "first_free_slot([[540, 600]], 30)",
            "first_free_slot([[540, 600], [610, 700]], 30)",
            "first_free_slot([[540, 700]], 30)",
            "first_free_slot([[540, 700]], 10)",
            "first_free_slot([[540, 710]], 30)",
            "first_free_slot([[540, 1000]], 60)",
            "first_free_slot([[540, 1000]], 40)",
            "first_free_slot([], 200)",
            "first_free_slot([[600, 660]], 45, day_start=480)",
        ],
    },
    {
        "id": "be-train-094",
        "request": (
            "I just got a road bike with a cadence sensor but no speed sensor. I want a python "
            "function that estimates my speed from cadence and the gears I'm in."
        ),
        "ground_truth": """
            def bike_speed(cadence, chainring, cog):
                wheel_m = 2.105
                meters_per_minute = cadence * chainring / cog * wheel_m
                return round(meters_per_minute * 60 / 1000, 1)
        """,
        "tests": [
            "bike_speed(90, 50, 17)",
            "bike_speed(90, 34, 28)",
            "bike_speed(60, 50, 11)",
            "bike_speed(0, 50, 17)",
            "bike_speed(100, 52, 13)",
            "bike_speed(75, 39, 21)",
            "bike_speed(110, 34, 34)",
            "bike_speed(85, 46, 16)",
            "bike_speed(120, 53, 11)",
            "bike_speed(70, 36, 25)",
        ],
    },
    {
        "id": "be-train-095",
        "request": (
            "I'm repainting rooms in my house. Can you write a python function that tells me how "
            "much paint to buy?"
        ),
        "ground_truth": """
            def paint_litres(wall_area_m2, coats=2, windows=0, doors=0):
                import math
                window_m2, door_m2 = 1.5, 1.9
                coverage_m2_per_litre = 11
                area = max(wall_area_m2 - windows * window_m2 - doors * door_m2, 0)
                litres = area * coats / coverage_m2_per_litre
                return math.ceil(litres * 2) / 2
        """,
        "tests": [
            "paint_litres(30)",
            "paint_litres(30, 1)",
            "paint_litres(40, 2, 2)",
            "paint_litres(40, 2, 2, 1)",
            "paint_litres(0)",
            "paint_litres(5, 3, 4)",
            "paint_litres(22, 2)",
            "paint_litres(55, 3, 3, 2)",
            "paint_litres(11, 1)",
            "paint_litres(12.5, 2, windows=1)",
        ],
    },
    {
        "id": "be-train-096",
        "request": (
            "I design event posters with coloured backgrounds. I want a python function that "
            "picks the text colour for a given background colour."
        ),
        "ground_truth": """
            def text_color_for(background):
                code = background.strip().lstrip("#")
                if len(code) == 3:
                    code = "".join(ch * 2 for ch in code)
                if len(code) != 6:
                    return None
                red, green, blue = (int(code[i:i + 2], 16) for i in (0, 2, 4))
                brightness = 0.299 * red + 0.587 * green + 0.114 * blue
                threshold = 150
                return "#000000" if brightness > threshold else "#ffffff"
        """,
        "tests": [
            "text_color_for('#ffffff')",
            "text_color_for('#000')",
            "text_color_for('#ff0000')",
            "text_color_for('#00ff00')",
            "text_color_for('#ffff00')",
            "text_color_for('#0000ff')",
            "text_color_for('#abc')",
            "text_color_for('#969696')",
            "text_color_for('zz')",
            "text_color_for('c0c0c0')",
        ],
    },
    {
        "id": "be-train-097",
        "request": (
            "I follow a lot of American recipes but I weigh everything. Can you write a python "
            "function that converts cups into grams?"
        ),
        "ground_truth": """
            def cups_to_grams(ingredient, cups):
                grams_per_cup = {"flour": 125, "sugar": 200, "brown sugar": 220, "butter": 227,
                                 "rice": 185, "oats": 90, "cocoa": 85}
                per_cup = grams_per_cup.get(ingredient.strip().lower())
                if per_cup is None:
                    return None
                return int(per_cup * cups + 0.5)
        """,
        "tests": [
            "cups_to_grams('flour', 1)",
            "cups_to_grams('Flour', 0.5)",
            "cups_to_grams('sugar', 0.75)",
            "cups_to_grams('brown sugar', 1)",
            "cups_to_grams('butter', 0.25)",
            "cups_to_grams('rice', 2)",
            "cups_to_grams('oats', 1.5)",
            "cups_to_grams('cocoa', 0.33)",
            "cups_to_grams('salt', 1)",
            "cups_to_grams(' Butter ', 1)",
        ],
    },
    {
        "id": "be-train-098",
        "request": (
            "I'm setting up aquariums for a school club. I want a python function that tells me "
            "how many fish a tank can hold."
        ),
        "ground_truth": """
            def max_fish(tank_litres, adult_length_cm, planted=False):
                usable_share = 0.85
                smallest_group = 3
                usable = tank_litres * usable_share
                litres_per_cm = 1.5 if planted else 2.0
                count = int(usable / litres_per_cm / adult_length_cm)
                return count if count >= smallest_group else 0
        """,
        "tests": [
            "max_fish(100, 4)",
            "max_fish(100, 4, True)",
            "max_fish(60, 5)",
            "max_fish(20, 5)",
            "max_fish(20, 2, planted=True)",
            "max_fish(200, 12)",
            "max_fish(40, 7)",
            "max_fish(40, 7, True)",
            "max_fish(300, 3)",
            "max_fish(0, 3)",
        ],
    },
    {
        "id": "be-train-099",
        "request": (
            "My friends and I rate movies we watch together. Can you write a python function that "
            "turns everyone's ratings into one overall star rating?"
        ),
        "ground_truth": """
            def overall_stars(ratings):
                if not ratings:
                    return 0.0
                values = sorted(ratings)
                if len(values) >= 5:
                    values = values[1:-1]
                mean = sum(values) / len(values)
                return int(mean / 2 * 2 + 0.5) / 2
        """,
        "tests": [
            "overall_stars([])",
            "overall_stars([10])",
            "overall_stars([7, 8])",
            "overall_stars([6, 7, 8, 9])",
            "overall_stars([1, 7, 7, 7, 10])",
            "overall_stars([2, 2, 2, 2, 10])",
            "overall_stars([5, 6])",
            "overall_stars([3, 4, 4, 5, 9, 10])",
            "overall_stars([9, 9, 10, 10, 10])",
            "overall_stars([1, 1, 1])",
        ],
    },
    {
        "id": "be-train-100",
        "request": (
            "I lead walks for a hiking group. Can you write a python function that estimates how "
            "long a route will take us?"
        ),
        "ground_truth": """
            def hike_minutes(distance_km, ascent_m, descent_m=0):
                import math
                minutes_per_km = 15
                minutes_per_100m_up = 10
                free_descent_m = 500
                minutes_per_100m_down = 5
                minutes = distance_km * minutes_per_km + ascent_m / 100 * minutes_per_100m_up
                if descent_m > free_descent_m:
                    minutes += (descent_m - free_descent_m) / 100 * minutes_per_100m_down
                return math.ceil(minutes / 5) * 5
        """,
        "tests": [
            "hike_minutes(10, 0)",
            "hike_minutes(10, 500)",
            "hike_minutes(8.3, 0)",
            "hike_minutes(5, 250, 250)",
            "hike_minutes(12, 800, 1200)",
            "hike_minutes(12, 800, 500)",
            "hike_minutes(0, 0)",
            "hike_minutes(3, 120)",
            "hike_minutes(20, 1500, 1500)",
            "hike_minutes(7.7, 330, 600)",
        ],
    },
    {
        "id": "be-test-001",
        "request": (
            "I commute by bus and want to check what my travel card charges me. Can you write a "
            "python function that works out my fares for a day?"
        ),
        "ground_truth": """
            def bus_fares(boarding_minutes):
                fare = 2.4
                transfer_window_minutes = 90
                daily_cap = 7.2
                total = 0.0
                window_start = None
                for minute in sorted(boarding_minutes):
                    if window_start is None or minute - window_start >= transfer_window_minutes:
                        total += fare
                        window_start = minute
                return round(min(total, daily_cap), 2)
        """,
        "tests": [
            "bus_fares([])",
            "bus_fares([480])",
            "bus_fares([480, 560])",
            "bus_fares([480, 570])",
            "bus_fares([480, 569])",
            "bus_fares([480, 600, 720])",
            "bus_fares([480, 600, 720, 900])",
            "bus_fares([900, 480])",
            "bus_fares([480, 500, 520, 540, 560])",
            "bus_fares([480, 560, 570, 650])",
        ],
    },
    {
        "id": "be-test-002",
        "request": (
            "I'm writing an app for my film camera notes. I want a python function that shows an "
            "exposure time the way it's printed on the shutter dial."
        ),
        "ground_truth": """
            def shutter_label(seconds):
                if seconds >= 1:
                    return str(round(seconds)) + '"'
                speeds = [2, 4, 8, 15, 30, 60, 125, 250, 500, 1000, 2000, 4000, 8000]
                target = 1 / seconds
                best = min(speeds, key=lambda s: (abs(s - target), s))
                return "1/" + str(best)
        """,
        "tests": [
            "shutter_label(2)",
            "shutter_label(1)",
            "shutter_label(1.4)",
            "shutter_label(0.5)",
            "shutter_label(0.004)",
            "shutter_label(0.01)",
            "shutter_label(1 / 90)",
            "shutter_label(0.0001)",
            "shutter_label(1 / 3)",
            "shutter_label(30.4)",
        ],
    },
    {
        "id": "be-test-003",
        "request": (
            "I roast coffee and sell subscriptions. I want a python function that prices a "
            "customer's subscription."
        ),
        "ground_truth": """
            def subscription_price(bags_per_month, months):
                price_per_bag = 14.0
                bulk_discount = 0.9
                free_shipping_over = 40
                prepay_discount = 0.95
                monthly = bags_per_month * price_per_bag
                if bags_per_month >= 3:
                    monthly *= bulk_discount
                shipping = 0.0 if monthly > free_shipping_over else 4.95
                total = (monthly + shipping) * months
                if months >= 12:
                    total *= prepay_discount
                return round(total, 2)
        """,
        "tests": [
            "subscription_price(1, 1)",
            "subscription_price(2, 1)",
            "subscription_price(3, 1)",
            "subscription_price(4, 1)",
            "subscription_price(1, 12)",
            "subscription_price(3, 12)",
            "subscription_price(2, 6)",
            "subscription_price(5, 11)",
            "subscription_price(0, 3)",
            "subscription_price(6, 24)",
        ],
    },
    {
        "id": "be-test-004",
        "request": (
            "I rent out two apartments. I want a python function that tells me how much of the "
            "security deposit to give back when a tenant moves out."
        ),
        "ground_truth": """
            def deposit_refund(deposit, damages, months_stayed):
                deductions = sum(damages)
                cleaning_fee = 75
                yearly_interest = 0.01
                if months_stayed < 6:
                    deductions += cleaning_fee
                interest = deposit * yearly_interest * (months_stayed // 12)
                return round(max(deposit + interest - deductions, 0.0), 2)
        """,
        "tests": [
            "deposit_refund(1000, [], 12)",
            "deposit_refund(1000, [], 5)",
            "deposit_refund(1000, [], 6)",
            "deposit_refund(1200, [150, 80.5], 24)",
            "deposit_refund(800, [900], 30)",
            "deposit_refund(500, [100], 3)",
            "deposit_refund(1500, [], 35)",
            "deposit_refund(1500, [], 36)",
            "deposit_refund(950, [20, 30, 40], 11)",
            "deposit_refund(60, [], 2)",
        ],
    },
    {
        "id": "be-test-005",
        "request": (
            "I score matches for my cricket club. Can you write a python function that gives the "
            "run rate the chasing team needs?"
        ),
        "ground_truth": """
            def required_run_rate(target, runs, overs_bowled, total_overs=20):
                whole = int(overs_bowled)
                balls = whole * 6 + round((overs_bowled - whole) * 10)
                balls_left = total_overs * 6 - balls
                needed = target - runs
                if needed <= 0:
                    return 0.0
                if balls_left <= 0:
                    return None
                return round(needed / balls_left * 6, 2)
        """,
        "tests": [
            "required_run_rate(160, 80, 10)",
            "required_run_rate(160, 80, 10.3)",
            "required_run_rate(150, 150, 18)",
            "required_run_rate(150, 160, 15.2)",
            "required_run_rate(200, 100, 20)",
            "required_run_rate(180, 0, 0)",
            "required_run_rate(120, 60, 12.5)",
            "required_run_rate(300, 120, 30, 50)",
            "required_run_rate(250, 200, 45.4, total_overs=50)",
            "required_run_rate(145, 139, 19.5)",
        ],
    },
    {
        "id": "be-test-006",
        "request": (
            "My team is spread across several countries. I want a python function that tells me "
            "what time it is for a colleague when I know the UTC time."
        ),
        "ground_truth": """
            def local_time(utc_hour, utc_minute, city):
                offsets = {"london": 0, "berlin": 60, "new york": -300, "tokyo": 540,
                           "mumbai": 330, "sao paulo": -180}
                key = city.strip().lower()
                if key not in offsets:
                    return "unknown"
                total = (utc_hour * 60 + utc_minute + offsets[key]) % 1440
                return str(total // 60).zfill(2) + ":" + str(total % 60).zfill(2)
        """,
        "tests": [
            "local_time(12, 0, 'London')",
            "local_time(12, 0, 'berlin')",
            "local_time(3, 30, 'New York')",
            "local_time(20, 15, 'Tokyo')",
            "local_time(23, 45, 'mumbai')",
            "local_time(1, 0, 'Sao Paulo')",
            "local_time(9, 5, ' TOKYO ')",
            "local_time(10, 0, 'Paris')",
            "local_time(0, 0, 'new york')",
            "local_time(18, 40, 'Mumbai')",
        ],
    },
    {
        "id": "be-test-007",
        "request": (
            "I watch a few stocks and don't want to stare at charts. Can you write a python "
            "function that tells me whether to buy, sell or hold based on recent prices?"
        ),
        "ground_truth": """
            def price_signal(prices):
                if len(prices) < 2:
                    return "hold"
                window = prices[-6:-1]
                average = sum(window) / len(window)
                change = (prices[-1] - average) / average
                buy_below, sell_above = -0.08, 0.12
                if change <= buy_below:
                    return "buy"
                if change >= sell_above:
                    return "sell"
                return "hold"
        """,
        "tests": [
            "price_signal([])",
            "price_signal([100])",
            "price_signal([100, 92])",
            "price_signal([100, 93])",
            "price_signal([100, 112])",
            "price_signal([100, 111])",
            "price_signal([50, 100, 100, 100, 100, 100, 91])",
            "price_signal([10, 10, 10, 10, 10, 10, 11.5])",
            "price_signal([200, 100, 100, 100, 100, 100, 111])",
            "price_signal([120, 110, 100, 90, 80])",
        ],
    },
    {
        "id": "be-test-008",
        "request": (
            "I work at a ski rental shop. I want a python function that suggests a ski length for"
            " a customer."
        ),
        "ground_truth": """
            def ski_length_cm(height_cm, level="intermediate"):
                offsets = {"beginner": -15, "intermediate": -10, "advanced": -5, "expert": 0}
                length = height_cm + offsets.get(level, -10)
                length = int(length / 5 + 0.5) * 5
                return min(max(length, 100), 190)
        """,
        "tests": [
            "ski_length_cm(180, 'beginner')",
            "ski_length_cm(180)",
            "ski_length_cm(180, 'expert')",
            "ski_length_cm(172, 'advanced')",
            "ski_length_cm(173, 'advanced')",
            "ski_length_cm(110, 'beginner')",
            "ski_length_cm(200, 'expert')",
            "ski_length_cm(163, 'intermediate')",
            "ski_length_cm(150, 'racer')",
            "ski_length_cm(198, 'advanced')",
        ],
    },
    {
        "id": "be-test-009",
        "request": (
            "Our events website shows dates in a clumsy way. Can you write a python function that"
            " formats the dates of an event nicely?"
        ),
        "ground_truth": """
            def format_date_range(start, end):
                import datetime
                months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
                first = datetime.date.fromisoformat(start)
                last = datetime.date.fromisoformat(end)
                if last < first:
                    first, last = last, first
                a_month, b_month = months[first.month - 1], months[last.month - 1]
                if first == last:
                    return f"{first.day} {a_month} {first.year}"
                if first.year != last.year:
                    return f"{first.day} {a_month} {first.year} - {last.day} {b_month} {last.year}"
                if first.month != last.month:
                    return f"{first.day} {a_month} - {last.day} {b_month} {first.year}"
                return f"{first.day}-{last.day} {a_month} {first.year}"
        """,
        "tests": [
            "format_date_range('2024-03-01', '2024-03-01')",
            "format_date_range('2024-03-01', '2024-03-03')",
            "format_date_range('2024-03-30', '2024-04-02')",
            "format_date_range('2024-12-30', '2025-01-02')",
            "format_date_range('2024-05-09', '2024-05-07')",
            "format_date_range('2023-09-15', '2023-09-30')",
            "format_date_range('2024-02-28', '2024-03-01')",
            "format_date_range('2025-07-04', '2025-07-04')",
            "format_date_range('2024-01-31', '2023-12-01')",
            "format_date_range('2024-10-01', '2024-10-10')",
        ],
    },
    {
        "id": "be-test-010",
        "request": (
            "I'm putting together the drinks menu for my bar. I want a python function that "
            "estimates how strong a cocktail is."
        ),
        "ground_truth": """
            def cocktail_abv(ingredients, shaken=True):
                volume = sum(ml for ml, _ in ingredients)
                if volume == 0:
                    return 0.0
                alcohol = sum(ml * abv / 100 for ml, abv in ingredients)
                shaken_dilution, stirred_dilution = 1.25, 1.15
                volume *= shaken_dilution if shaken else stirred_dilution
                return round(alcohol / volume * 100, 1)
        """,
        "tests": [
            "cocktail_abv([[50, 40]])",
            "cocktail_abv([[50, 40]], False)",
            "cocktail_abv([[45, 40], [20, 0], [25, 0]])",
            "cocktail_abv([])",
            "cocktail_abv([[60, 40], [30, 20], [15, 0]])",
            "cocktail_abv([[100, 0]])",
            "cocktail_abv([[30, 40], [30, 17], [30, 17]], shaken=False)",
            "cocktail_abv([[120, 12]])",
            "cocktail_abv([[50, 40], [150, 5]])",
            "cocktail_abv([[25, 95]], False)",
        ],
    },
    {
        "id": "be-test-011",
        "request": (
            "I shoot weddings and keep running out of card space. Can you write a python function"
            " that tells me how many photos fit on a memory card?"
        ),
        "ground_truth": """
            def photos_that_fit(card_gb, megapixels, raw=False):
                mb_per_gb = 1000
                kept_free = 0.98
                raw_mb_per_megapixel, jpeg_mb_per_megapixel = 1.2, 0.3
                usable_mb = card_gb * mb_per_gb * kept_free
                photo_mb = megapixels * (raw_mb_per_megapixel if raw else jpeg_mb_per_megapixel)
                return int(usable_mb // photo_mb)
        """,
        "tests": [
            "photos_that_fit(32, 24)",
            "photos_that_fit(32, 24, True)",
            "photos_that_fit(64, 45, True)",
            "photos_that_fit(16, 20)",
            "photos_that_fit(128, 61, raw=True)",
            "photos_that_fit(1, 24)",
            "photos_that_fit(0, 24)",
            "photos_that_fit(256, 33)",
            "photos_that_fit(8, 50, True)",
            "photos_that_fit(2, 2)",
        ],
    },
    {
        "id": "be-test-012",
        "request": (
            "I build little battery-powered sensors. I want a python function that tells me how "
            "long a battery will last."
        ),
        "ground_truth": """
            def battery_runtime(capacity_mah, draw_ma):
                if draw_ma <= 0:
                    return "forever"
                usable_share = 0.85
                safety_margin = 0.9
                usable = capacity_mah * usable_share * safety_margin
                minutes = int(usable / draw_ma * 60)
                return str(minutes // 60) + "h " + str(minutes % 60).zfill(2) + "m"
        """,
        "tests": [
            "battery_runtime(2000, 100)",
            "battery_runtime(3000, 250)",
            "battery_runtime(500, 500)",
            "battery_runtime(1000, 0)",
            "battery_runtime(10000, 1200)",
            "battery_runtime(2600, 13)",
            "battery_runtime(100, 1000)",
            "battery_runtime(4400, -5)",
            "battery_runtime(1200, 85)",
            "battery_runtime(5000, 2000)",
        ],
    },
    {
        "id": "be-test-013",
        "request": (
            "I'm thinking about putting solar panels on my roof. Can you write a python function "
            "that estimates how many panels I'd need?"
        ),
        "ground_truth": """
            def solar_panels_needed(monthly_kwh, peak_sun_hours):
                import math
                if monthly_kwh <= 0:
                    return 0
                panel_kw = 0.4
                system_efficiency = 0.8
                daily_need = monthly_kwh / 30
                per_panel = panel_kw * peak_sun_hours * system_efficiency
                return math.ceil(daily_need / per_panel)
        """,
        "tests": [
            "solar_panels_needed(900, 5)",
            "solar_panels_needed(900, 4)",
            "solar_panels_needed(300, 6)",
            "solar_panels_needed(0, 5)",
            "solar_panels_needed(10, 6)",
            "solar_panels_needed(1200, 3.5)",
            "solar_panels_needed(450, 5)",
            "solar_panels_needed(600, 5)",
            "solar_panels_needed(720, 4.5)",
            "solar_panels_needed(2000, 7)",
        ],
    },
    {
        "id": "be-test-014",
        "request": (
            "I travel a lot for work and my bank's currency conversions confuse me. I want a "
            "python function that tells me how much money I get when I convert."
        ),
        "ground_truth": """
            def convert_currency(amount, from_code, to_code):
                per_eur = {"EUR": 1.0, "USD": 1.08, "GBP": 0.86, "JPY": 162.0, "CHF": 0.97}
                if from_code not in per_eur or to_code not in per_eur:
                    return None
                if from_code == to_code:
                    return round(float(amount), 2)
                converted = amount / per_eur[from_code] * per_eur[to_code]
                fee_rate = 0.015
                min_fee_eur = 2
                fee = max(converted * fee_rate, min_fee_eur * per_eur[to_code])
                return round(max(converted - fee, 0.0), 2)
        """,
        "tests": [
            "convert_currency(100, 'EUR', 'USD')",
            "convert_currency(1000, 'EUR', 'USD')",
            "convert_currency(50, 'USD', 'USD')",
            "convert_currency(100, 'GBP', 'EUR')",
            "convert_currency(10000, 'JPY', 'EUR')",
            "convert_currency(1, 'EUR', 'GBP')",
            "convert_currency(500, 'CHF', 'GBP')",
            "convert_currency(100, 'EUR', 'AUD')",
            "convert_currency(250, 'USD', 'JPY')",
            "convert_currency(2000, 'GBP', 'CHF')",
        ],
    },
    {
        "id": "be-test-015",
        "request": (
            "I maintain a plugin and need my update checker to work properly. Can you write a "
            "python function that tells me whether one version number is newer than another?"
        ),
        "ground_truth": """
            def is_newer_version(candidate, current):
                stages = {"dev": 0, "alpha": 1, "beta": 2, "rc": 3}

                def key(version):
                    core, _, tag = version.strip().lstrip("vV").partition("-")
                    parts = [int(part) for part in core.split(".")]
                    parts += [0] * (3 - len(parts))
                    stage = stages.get(tag.rstrip("0123456789"), 0) if tag else 4
                    return parts[:3] + [stage]

                return key(candidate) > key(current)
        """,
        "tests": [
            "is_newer_version('1.2.0', '1.1.9')",
            "is_newer_version('1.2', '1.2.0')",
            "is_newer_version('v2.0.0', '1.9.9')",
            "is_newer_version('2.0.0-beta', '2.0.0')",
            "is_newer_version('2.0.0-rc', '2.0.0-beta')",
            "is_newer_version('2.0.0-alpha', '1.9')",
            "is_newer_version('1.10.0', '1.9.0')",
            "is_newer_version('1.0.0-beta2', '1.0.0-beta1')",
            "is_newer_version('1.0.0-alpha', '1.0.0-dev')",
            "is_newer_version('1.0.0-nightly', '1.0.0-dev')",
        ],
    },
    {
        "id": "be-test-016",
        "request": (
            "I make word puzzles for my newsletter. Can you write a python function that finds "
            "the groups of anagrams in a word list?"
        ),
        "ground_truth": """
            def anagram_groups(words):
                groups = {}
                for word in words:
                    key = "".join(sorted(word.lower().replace(" ", "")))
                    groups.setdefault(key, [])
                    if word not in groups[key]:
                        groups[key].append(word)
                found = [sorted(g, key=str.lower) for g in groups.values() if len(g) >= 2]
                return sorted(found, key=lambda g: g[0].lower())
        """,
        "tests": [
            "anagram_groups([])",
            "anagram_groups(['cat', 'dog'])",
            "anagram_groups(['listen', 'silent', 'enlist'])",
            "anagram_groups(['Listen', 'silent'])",
            "anagram_groups(['dusty', 'study', 'night', 'thing', 'apple'])",
            "anagram_groups(['dormitory', 'dirty room'])",
            "anagram_groups(['tea', 'eat', 'tea', 'ate'])",
            "anagram_groups(['b', 'a', 'B'])",
            "anagram_groups(['stop', 'pots', 'tops', 'opts', 'spot', 'post'])",
            "anagram_groups(['Elvis', 'lives', 'levis', 'evil', 'vile', 'live'])",
        ],
    },
    {
        "id": "be-test-017",
        "request": (
            "I run an astronomy club and we only meet on good nights. I want a python function "
            "that rates a night for stargazing from the forecast."
        ),
        "ground_truth": """
            def stargazing_rating(cloud_pct, moon_pct, wind_kmh=0):
                if cloud_pct > 40 or wind_kmh >= 35:
                    return "stay in"
                if cloud_pct > 15 or moon_pct > 60 or wind_kmh >= 20:
                    return "okay"
                return "great"
        """,
        "tests": [
            "stargazing_rating(0, 0)",
            "stargazing_rating(15, 60)",
            "stargazing_rating(16, 0)",
            "stargazing_rating(10, 61)",
            "stargazing_rating(40, 100)",
            "stargazing_rating(41, 0)",
            "stargazing_rating(0, 0, 20)",
            "stargazing_rating(0, 0, 19)",
            "stargazing_rating(5, 10, 35)",
            "stargazing_rating(30, 30, wind_kmh=34)",
        ],
    },
    {
        "id": "be-test-018",
        "request": (
            "I play guitar with a delay pedal and want the echoes in time with the song. Can you "
            "write a python function that gives me the delay setting for a tempo?"
        ),
        "ground_truth": """
            def delay_ms(bpm, note="quarter"):
                factors = {"whole": 4, "half": 2, "quarter": 1, "eighth": 0.5, "sixteenth": 0.25,
                           "dotted eighth": 0.75, "eighth triplet": 1 / 3}
                if note not in factors:
                    return None
                ms = 60000 / bpm * factors[note]
                max_delay_ms = 1200
                for _ in range(5):
                    if ms > max_delay_ms:
                        ms /= 2
                return int(ms + 0.5)
        """,
        "tests": [
            "delay_ms(120)",
            "delay_ms(120, 'eighth')",
            "delay_ms(100, 'dotted eighth')",
            "delay_ms(90, 'eighth triplet')",
            "delay_ms(60, 'half')",
            "delay_ms(40, 'whole')",
            "delay_ms(128, 'sixteenth')",
            "delay_ms(75, 'quarter')",
            "delay_ms(140, 'dotted quarter')",
            "delay_ms(50)",
        ],
    },
    {
        "id": "be-test-019",
        "request": (
            "I run a small moving company. I want a python function that plans the crew for a job."
        ),
        "ground_truth": """
            def movers_crew(rooms, stairs_floors=0, piano=False):
                movers = 2 + rooms // 3
                if stairs_floors >= 2:
                    movers += 1
                if piano:
                    movers += 2
                max_movers = 6
                hours_per_room, hours_per_floor, min_hours = 1.5, 0.5, 2.0
                movers = min(movers, max_movers)
                hours = (rooms * hours_per_room + stairs_floors * hours_per_floor) * 2 / movers
                return {"movers": movers, "hours": round(max(hours, min_hours), 1)}
        """,
        "tests": [
            "movers_crew(1)",
            "movers_crew(3)",
            "movers_crew(5, 1)",
            "movers_crew(5, 2)",
            "movers_crew(2, 0, True)",
            "movers_crew(12, 3, True)",
            "movers_crew(0)",
            "movers_crew(8, 4)",
            "movers_crew(6, piano=True)",
            "movers_crew(4, 1, False)",
        ],
    },
    {
        "id": "be-test-020",
        "request": (
            "I started a lawn mowing business this summer. Can you write a python function that "
            "quotes a price for a job?"
        ),
        "ground_truth": """
            def mowing_quote(area_m2, overgrown=False, edging=False):
                rate_per_m2 = 0.04
                minimum_price = 25
                overgrown_factor = 1.5
                edging_price = 10
                price = max(area_m2 * rate_per_m2, minimum_price)
                if overgrown:
                    price *= overgrown_factor
                if edging:
                    price += edging_price
                return int(price + 0.5)
        """,
        "tests": [
            "mowing_quote(100)",
            "mowing_quote(625)",
            "mowing_quote(640)",
            "mowing_quote(1000)",
            "mowing_quote(1000, True)",
            "mowing_quote(300, True)",
            "mowing_quote(1000, False, True)",
            "mowing_quote(2000, True, True)",
            "mowing_quote(0, edging=True)",
            "mowing_quote(1234.5)",
        ],
    },
]
