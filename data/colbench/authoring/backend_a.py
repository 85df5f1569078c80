"""Backend ColBench tasks be-train-001..080 (authoring format: see README.md).

Each request is what a person says first: vague on purpose. The ground truth carries the personal
details (rates, thresholds, rounding, field names, tie-breaks) an agent has to ask about.
"""

TASKS = [
    {
        "id": "be-train-001",
        "request": "I want a python function that works out the late fee for a library book. "
        "Can you write it for me?",
        "ground_truth": """
            def library_late_fee(days_late, is_child):
                if days_late <= 3:
                    return 0.0
                fee = (days_late - 3) * 0.25
                if is_child:
                    fee = fee / 2
                return round(min(fee, 10.0), 2)
        """,
        "tests": [
            "library_late_fee(0, False)",
            "library_late_fee(3, False)",
            "library_late_fee(4, False)",
            "library_late_fee(4, True)",
            "library_late_fee(10, False)",
            "library_late_fee(10, True)",
            "library_late_fee(43, False)",
            "library_late_fee(43, True)",
            "library_late_fee(100, False)",
            "library_late_fee(17, True)",
        ],
    },
    {
        "id": "be-train-002",
        "request": "I need a python function that turns a percentage score into a letter grade "
        "for my class.",
        "ground_truth": """
            def letter_grade(score):
                score = round(score)
                if score >= 93:
                    return 'A'
                if score >= 85:
                    return 'B'
                if score >= 77:
                    return 'C'
                if score >= 70:
                    return 'D'
                return 'F'
        """,
        "tests": [
            "letter_grade(100)",
            "letter_grade(93)",
            "letter_grade(92.4)",
            "letter_grade(92.6)",
            "letter_grade(85)",
            "letter_grade(80)",
            "letter_grade(77)",
            "letter_grade(72.5)",
            "letter_grade(69.4)",
            "letter_grade(12)",
        ],
    },
    {
        "id": "be-train-003",
        "request": "Can you write a python function that tells me what shipping costs for a "
        "parcel? I ship stuff from my little online shop.",
        "ground_truth": """
            def shipping_cost(weight_kg, express):
                import math

                if weight_kg <= 0.5:
                    cost = 3.5
                elif weight_kg <= 2:
                    cost = 6.0
                else:
                    cost = 6.0 + 1.8 * math.ceil(weight_kg - 2)
                if express:
                    cost = cost * 1.5 + 2
                return round(cost, 2)
        """,
        "tests": [
            "shipping_cost(0.2, False)",
            "shipping_cost(0.5, False)",
            "shipping_cost(0.51, False)",
            "shipping_cost(2, False)",
            "shipping_cost(2.1, False)",
            "shipping_cost(5, False)",
            "shipping_cost(0.3, True)",
            "shipping_cost(2, True)",
            "shipping_cost(7.5, True)",
            "shipping_cost(12, False)",
        ],
    },
    {
        "id": "be-train-004",
        "request": "I want a python function that splits a restaurant bill between friends, "
        "tip included. Can you help?",
        "ground_truth": """
            def split_bill(total, people, tip_percent=18):
                import math

                if people < 1:
                    return None
                with_tip = total * (1 + tip_percent / 100)
                share = with_tip / people
                return math.ceil(share * 2) / 2
        """,
        "tests": [
            "split_bill(100, 4)",
            "split_bill(100, 4, 20)",
            "split_bill(57.3, 3)",
            "split_bill(57.3, 3, 0)",
            "split_bill(10, 1)",
            "split_bill(0, 5)",
            "split_bill(250, 0)",
            "split_bill(83.25, 2, 15)",
            "split_bill(12, 7)",
            "split_bill(300, 6, 25)",
        ],
    },
    {
        "id": "be-train-005",
        "request": "Write me a python function that rates how strong a password is. I want a "
        "number I can show on my signup page.",
        "ground_truth": """
            def password_strength(password):
                score = 0
                if len(password) >= 8:
                    score += 2
                if len(password) >= 14:
                    score += 2
                if any(c.isupper() for c in password):
                    score += 1
                if any(c.isdigit() for c in password):
                    score += 1
                if any(c in '!@#$%&*?' for c in password):
                    score += 2
                if password.lower() in ('password', 'letmein', 'qwerty123'):
                    return 0
                return min(score, 7)
        """,
        "tests": [
            "password_strength('')",
            "password_strength('abc')",
            "password_strength('abcdefgh')",
            "password_strength('Abcdefgh')",
            "password_strength('Abcdefg1')",
            "password_strength('abcdefghijklmn')",
            "password_strength('Abcdefghijklm9!')",
            "password_strength('Password')",
            "password_strength('sh0rt!')",
            "password_strength('qwerty123')",
        ],
    },
    {
        "id": "be-train-006",
        "request": "Can you write a python function that tells me which BMI category someone is "
        "in? I keep my patients' numbers in my own units.",
        "ground_truth": """
            def bmi_category(weight_lb, height_in):
                bmi = 703 * weight_lb / (height_in ** 2)
                bmi = round(bmi, 1)
                if bmi < 18.5:
                    label = 'underweight'
                elif bmi < 25:
                    label = 'healthy'
                elif bmi < 30:
                    label = 'overweight'
                else:
                    label = 'obese'
                return {'bmi': bmi, 'category': label}
        """,
        "tests": [
            "bmi_category(150, 68)",
            "bmi_category(110, 70)",
            "bmi_category(200, 70)",
            "bmi_category(250, 66)",
            "bmi_category(120, 64)",
            "bmi_category(174, 70)",
            "bmi_category(186, 66)",
            "bmi_category(95, 60)",
            "bmi_category(300, 75)",
            "bmi_category(160, 72)",
        ],
    },
    {
        "id": "be-train-007",
        "request": "I need a python function that finds the most common words in a piece of "
        "text. It's for a word cloud on my blog.",
        "ground_truth": """
            def top_words(text, n=3):
                import re

                stop = {'the', 'and', 'a', 'of', 'to', 'is'}
                words = re.findall(r"[a-z']+", text.lower())
                counts = {}
                for word in words:
                    if len(word) < 3 or word in stop:
                        continue
                    counts[word] = counts.get(word, 0) + 1
                ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                return [word for word, _ in ranked[:n]]
        """,
        "tests": [
            "top_words('the cat and the hat and the bat')",
            "top_words('Apple banana apple Cherry banana apple', 2)",
            "top_words('a an to of is it be')",
            "top_words('')",
            "top_words('dog dog cat cat emu emu', 2)",
            "top_words('Go go go run run run sit', 1)",
            "top_words('the the the and and rain rain', 5)",
            "top_words(\"don't don't won't stop\")",
            "top_words('zebra yak xray zebra yak xray wolf')",
            "top_words('one two three four five six seven', 4)",
        ],
    },
    {
        "id": "be-train-008",
        "request": "Can you write a python function for my parking garage that says what a "
        "customer owes when they leave?",
        "ground_truth": """
            def parking_fee(minutes):
                import math

                if minutes <= 20:
                    return 0
                days, rest = divmod(minutes, 1440)
                hours = math.ceil(rest / 60)
                fee = days * 24 + min(hours * 3, 24)
                return fee
        """,
        "tests": [
            "parking_fee(0)",
            "parking_fee(20)",
            "parking_fee(21)",
            "parking_fee(60)",
            "parking_fee(61)",
            "parking_fee(300)",
            "parking_fee(480)",
            "parking_fee(1440)",
            "parking_fee(1500)",
            "parking_fee(3000)",
        ],
    },
    {
        "id": "be-train-009",
        "request": "I run a coffee shop and I want a python function that works out how many "
        "loyalty points an order earns.",
        "ground_truth": """
            def loyalty_points(amount, day):
                points = int(amount)
                if day in ('Sat', 'Sun'):
                    points *= 2
                if amount >= 25:
                    points += 10
                return points
        """,
        "tests": [
            "loyalty_points(4.99, 'Mon')",
            "loyalty_points(4.99, 'Sat')",
            "loyalty_points(24.99, 'Tue')",
            "loyalty_points(25, 'Tue')",
            "loyalty_points(25, 'Sun')",
            "loyalty_points(0.5, 'Sun')",
            "loyalty_points(60.2, 'Fri')",
            "loyalty_points(60.2, 'Sat')",
            "loyalty_points(13, 'Wed')",
            "loyalty_points(100, 'Thu')",
        ],
    },
    {
        "id": "be-train-010",
        "request": "I want a python function that looks at my shop's stock and tells me what I "
        "need to reorder.",
        "ground_truth": """
            def items_to_reorder(stock, minimum=5):
                low = []
                for name, info in stock.items():
                    level = info['on_hand'] + info.get('incoming', 0)
                    if level < minimum:
                        low.append((level, name))
                low.sort()
                return [name for level, name in low]
        """,
        "tests": [
            "items_to_reorder({})",
            "items_to_reorder({'pens': {'on_hand': 2}})",
            "items_to_reorder({'pens': {'on_hand': 5}})",
            "items_to_reorder({'pens': {'on_hand': 4}, 'ink': {'on_hand': 1}})",
            "items_to_reorder({'pens': {'on_hand': 2, 'incoming': 3}})",
            "items_to_reorder({'pens': {'on_hand': 2, 'incoming': 2}, 'tape': {'on_hand': 0}})",
            "items_to_reorder({'a': {'on_hand': 3}, 'b': {'on_hand': 3}, 'c': {'on_hand': 9}})",
            "items_to_reorder({'pens': {'on_hand': 7}}, 10)",
            "items_to_reorder({'x': {'on_hand': 1}, 'y': {'on_hand': 6}}, 2)",
            "items_to_reorder({'glue': {'on_hand': 0, 'incoming': 12}, 'card': {'on_hand': 4}})",
        ],
    },
    {
        "id": "be-train-011",
        "request": "Could you write a python function that checks if a new meeting clashes with "
        "one that's already in my calendar?",
        "ground_truth": """
            def meetings_clash(existing, new):
                def minutes(text):
                    hours, mins = text.split(':')
                    return int(hours) * 60 + int(mins)

                start_a, end_a = (minutes(t) for t in existing.split('-'))
                start_b, end_b = (minutes(t) for t in new.split('-'))
                gap = 10
                return start_b < end_a + gap and start_a < end_b + gap
        """,
        "tests": [
            "meetings_clash('09:00-10:00', '10:00-11:00')",
            "meetings_clash('09:00-10:00', '10:10-11:00')",
            "meetings_clash('09:00-10:00', '10:09-11:00')",
            "meetings_clash('09:00-10:00', '09:30-09:45')",
            "meetings_clash('13:00-14:00', '11:00-12:50')",
            "meetings_clash('13:00-14:00', '11:00-12:51')",
            "meetings_clash('13:00-14:00', '15:00-16:00')",
            "meetings_clash('08:15-08:45', '08:00-09:00')",
            "meetings_clash('16:00-17:30', '17:35-18:00')",
            "meetings_clash('16:00-17:30', '17:40-18:00')",
        ],
    },
    {
        "id": "be-train-012",
        "request": "I'd like a python function that tells me which age group a member of my "
        "sports club falls into, from their birthday.",
        "ground_truth": """
            def age_group(birth_date, on_date):
                born = [int(part) for part in birth_date.split('-')]
                today = [int(part) for part in on_date.split('-')]
                age = today[0] - born[0]
                if (today[1], today[2]) < (born[1], born[2]):
                    age -= 1
                if age < 12:
                    return 'junior'
                if age < 18:
                    return 'youth'
                if age < 50:
                    return 'senior'
                return 'veteran'
        """,
        "tests": [
            "age_group('2015-06-01', '2024-06-01')",
            "age_group('2012-06-01', '2024-06-01')",
            "age_group('2012-06-02', '2024-06-01')",
            "age_group('2006-03-15', '2024-03-15')",
            "age_group('2006-03-16', '2024-03-15')",
            "age_group('1990-01-01', '2024-01-01')",
            "age_group('1974-05-20', '2024-05-20')",
            "age_group('1974-05-21', '2024-05-20')",
            "age_group('1940-12-31', '2024-01-01')",
            "age_group('2020-02-29', '2024-02-28')",
        ],
    },
    {
        "id": "be-train-013",
        "request": "Write a python function that converts temperatures between units for my "
        "weather station dashboard.",
        "ground_truth": """
            def convert_temperature(value, from_unit, to_unit):
                to_celsius = {
                    'C': lambda v: v,
                    'F': lambda v: (v - 32) * 5 / 9,
                    'K': lambda v: v - 273.15,
                }
                from_celsius = {
                    'C': lambda c: c,
                    'F': lambda c: c * 9 / 5 + 32,
                    'K': lambda c: c + 273.15,
                }
                if from_unit not in to_celsius or to_unit not in from_celsius:
                    return None
                result = from_celsius[to_unit](to_celsius[from_unit](value))
                return round(result, 1)
        """,
        "tests": [
            "convert_temperature(100, 'C', 'F')",
            "convert_temperature(32, 'F', 'C')",
            "convert_temperature(0, 'K', 'C')",
            "convert_temperature(20, 'C', 'K')",
            "convert_temperature(98.6, 'F', 'K')",
            "convert_temperature(-40, 'C', 'F')",
            "convert_temperature(21.37, 'C', 'C')",
            "convert_temperature(10, 'c', 'F')",
            "convert_temperature(300, 'K', 'F')",
            "convert_temperature(55, 'F', 'R')",
        ],
    },
    {
        "id": "be-train-014",
        "request": "I want a python function that applies a discount code to a customer's "
        "order total in my online store.",
        "ground_truth": """
            def apply_discount(total, code):
                code = code.strip().upper()
                if code == 'WELCOME10':
                    return round(total * 0.9, 2)
                if code == 'SAVE5' and total >= 30:
                    return round(total - 5, 2)
                if code == 'HALFOFF' and total >= 100:
                    return round(total - min(total * 0.5, 75), 2)
                return round(total, 2)
        """,
        "tests": [
            "apply_discount(50, 'WELCOME10')",
            "apply_discount(50, ' welcome10 ')",
            "apply_discount(29.99, 'SAVE5')",
            "apply_discount(30, 'SAVE5')",
            "apply_discount(99.99, 'HALFOFF')",
            "apply_discount(100, 'HALFOFF')",
            "apply_discount(400, 'halfoff')",
            "apply_discount(45.5, 'FREESHIP')",
            "apply_discount(12.345, '')",
            "apply_discount(75, 'save5')",
        ],
    },
    {
        "id": "be-train-015",
        "request": "Can you make a python function that scores a word in the word game I'm "
        "designing with my kids?",
        "ground_truth": """
            def word_score(word):
                word = word.lower()
                score = 0
                for letter in word:
                    if letter in 'qzxj':
                        score += 8
                    elif letter in 'aeiou':
                        score += 1
                    elif letter.isalpha():
                        score += 2
                if len(word) >= 7:
                    score += 15
                return score
        """,
        "tests": [
            "word_score('')",
            "word_score('a')",
            "word_score('cat')",
            "word_score('Quiz')",
            "word_score('jazz')",
            "word_score('banana')",
            "word_score('bananas')",
            "word_score('RHYTHMS')",
            "word_score('x-ray')",
            "word_score('oiseau')",
        ],
    },
    {
        "id": "be-train-016",
        "request": "I need a python function that calculates my monthly electricity bill from "
        "the meter reading.",
        "ground_truth": """
            def electricity_bill(kwh):
                tiers = [(100, 0.12), (300, 0.18), (None, 0.25)]
                remaining = kwh
                cost = 9.5
                previous = 0
                for limit, rate in tiers:
                    band = remaining if limit is None else min(remaining, limit - previous)
                    cost += band * rate
                    remaining -= band
                    if remaining <= 0:
                        break
                    previous = limit
                return round(cost, 2)
        """,
        "tests": [
            "electricity_bill(0)",
            "electricity_bill(50)",
            "electricity_bill(100)",
            "electricity_bill(101)",
            "electricity_bill(250)",
            "electricity_bill(300)",
            "electricity_bill(301)",
            "electricity_bill(450)",
            "electricity_bill(1000)",
            "electricity_bill(12.5)",
        ],
    },
    {
        "id": "be-train-017",
        "request": "Write me a python function that works out a worker's pay for the week "
        "including overtime.",
        "ground_truth": """
            def weekly_pay(hours, hourly_rate):
                regular = min(hours, 40)
                overtime = min(max(hours - 40, 0), 20)
                double = max(hours - 60, 0)
                pay = regular * hourly_rate
                pay += overtime * hourly_rate * 1.5
                pay += double * hourly_rate * 2
                return round(pay, 2)
        """,
        "tests": [
            "weekly_pay(0, 20)",
            "weekly_pay(38, 20)",
            "weekly_pay(40, 20)",
            "weekly_pay(41, 20)",
            "weekly_pay(45.5, 18.75)",
            "weekly_pay(60, 20)",
            "weekly_pay(61, 20)",
            "weekly_pay(72, 15.5)",
            "weekly_pay(20, 33.33)",
            "weekly_pay(50, 12)",
        ],
    },
    {
        "id": "be-train-018",
        "request": "I want a python function that cleans up phone numbers people type into my "
        "contact form so they all look the same.",
        "ground_truth": """
            def format_phone(raw):
                digits = ''.join(c for c in raw if c.isdigit())
                if len(digits) == 11 and digits.startswith('1'):
                    digits = digits[1:]
                if len(digits) != 10:
                    return None
                return '(' + digits[:3] + ') ' + digits[3:6] + '-' + digits[6:]
        """,
        "tests": [
            "format_phone('5551234567')",
            "format_phone('212-555-0199')",
            "format_phone('(415) 867 5309')",
            "format_phone('+1 555 123 4567')",
            "format_phone('1-646-222-3344')",
            "format_phone('2-555-123-4567')",
            "format_phone('123-4567')",
            "format_phone('')",
            "format_phone('555.987.6543 ext')",
            "format_phone('55512345678')",
        ],
    },
    {
        "id": "be-train-019",
        "request": "Could you write a python function that turns my blog post titles into URL "
        "slugs?",
        "ground_truth": """
            def slugify(title):
                import re

                skip = {'a', 'an', 'the', 'and', 'of'}
                words = re.findall(r'[a-z0-9]+', title.lower())
                kept = [w for w in words if w not in skip] or words
                slug = '-'.join(kept)
                if len(slug) > 40:
                    slug = slug[:40].rstrip('-')
                return slug
        """,
        "tests": [
            "slugify('Hello World')",
            "slugify('The Art of War')",
            "slugify('A Tale of Two Cities')",
            "slugify('The')",
            "slugify('10 Tips & Tricks for Python!')",
            "slugify('  Spaces   everywhere  ')",
            "slugify('An Extremely Long Title That Keeps Going And Going Forever')",
            "slugify('')",
            'slugify("What\'s New in 2024?")',
            "slugify('Cats and Dogs and Birds')",
        ],
    },
    {
        "id": "be-train-020",
        "request": "I'd like a python function that tells me my running pace from the distance "
        "and my finish time.",
        "ground_truth": """
            def running_pace(distance_km, finish_time):
                parts = [int(p) for p in finish_time.split(':')]
                seconds = 0
                for part in parts:
                    seconds = seconds * 60 + part
                if distance_km <= 0:
                    return '--'
                per_km = round(seconds / distance_km)
                return f'{per_km // 60}:{per_km % 60:02d} /km'
        """,
        "tests": [
            "running_pace(5, '25:00')",
            "running_pace(10, '50:30')",
            "running_pace(21.1, '1:45:00')",
            "running_pace(42.195, '3:59:59')",
            "running_pace(0, '10:00')",
            "running_pace(3, '14:01')",
            "running_pace(1, '4:05')",
            "running_pace(8, '1:00:00')",
            "running_pace(2.5, '9:59')",
            "running_pace(15, '1:30:07')",
        ],
    },
    {
        "id": "be-train-021",
        "request": "I want a python function that tells me how much water I should drink in a "
        "day. I'm trying to build better habits.",
        "ground_truth": """
            def daily_water_ml(weight_kg, exercise_minutes=0, hot_day=False):
                base = weight_kg * 33
                base += (exercise_minutes // 30) * 350
                if hot_day:
                    base += 500
                base = min(base, 4000)
                return int(round(base / 50) * 50)
        """,
        "tests": [
            "daily_water_ml(60)",
            "daily_water_ml(75)",
            "daily_water_ml(75, 29)",
            "daily_water_ml(75, 30)",
            "daily_water_ml(75, 95)",
            "daily_water_ml(50, 0, True)",
            "daily_water_ml(82.5, 45, True)",
            "daily_water_ml(120, 60, True)",
            "daily_water_ml(45.3)",
            "daily_water_ml(0, 0, False)",
        ],
    },
    {
        "id": "be-train-022",
        "request": "Can you write a python function that prices a pizza order? We're a small "
        "pizzeria and I'm tired of doing it by hand.",
        "ground_truth": """
            def pizza_price(size, toppings):
                base = {'small': 8.0, 'medium': 11.0, 'large': 14.0}
                if size not in base:
                    return None
                per_topping = 1.25 if size == 'small' else 1.75
                extra = max(len(toppings) - 1, 0)
                price = base[size] + extra * per_topping
                if len(toppings) >= 5:
                    price -= 2
                return round(price, 2)
        """,
        "tests": [
            "pizza_price('small', [])",
            "pizza_price('small', ['cheese'])",
            "pizza_price('small', ['cheese', 'ham'])",
            "pizza_price('medium', ['cheese', 'ham', 'olives'])",
            "pizza_price('large', ['a', 'b', 'c', 'd'])",
            "pizza_price('large', ['a', 'b', 'c', 'd', 'e'])",
            "pizza_price('medium', ['a', 'b', 'c', 'd', 'e', 'f', 'g'])",
            "pizza_price('huge', ['cheese'])",
            "pizza_price('Large', [])",
            "pizza_price('small', ['a', 'b', 'c', 'd', 'e'])",
        ],
    },
    {
        "id": "be-train-023",
        "request": "I need a python function that works out the price of a movie ticket at my "
        "cinema.",
        "ground_truth": """
            def ticket_price(age, day, is_3d=False):
                if age < 3:
                    return 0.0
                if age <= 12:
                    price = 7.5
                elif age >= 65:
                    price = 8.0
                else:
                    price = 12.0
                if day == 'Tuesday':
                    price = min(price, 6.0)
                if is_3d:
                    price += 3.0
                return price
        """,
        "tests": [
            "ticket_price(2, 'Monday')",
            "ticket_price(3, 'Monday')",
            "ticket_price(12, 'Friday')",
            "ticket_price(13, 'Friday')",
            "ticket_price(30, 'Tuesday')",
            "ticket_price(30, 'Saturday', True)",
            "ticket_price(65, 'Sunday')",
            "ticket_price(64, 'Tuesday', True)",
            "ticket_price(70, 'Tuesday')",
            "ticket_price(8, 'Wednesday', True)",
        ],
    },
    {
        "id": "be-train-024",
        "request": "Write a python function that figures out the extra charge when a rental car "
        "comes back late.",
        "ground_truth": """
            def late_return_charge(hours_late, daily_rate):
                import math

                if hours_late <= 1:
                    return 0.0
                hours = math.ceil(hours_late)
                if hours > 4:
                    days = math.ceil(hours / 24)
                    return round(days * daily_rate, 2)
                return round(hours * daily_rate * 0.2, 2)
        """,
        "tests": [
            "late_return_charge(0, 50)",
            "late_return_charge(1, 50)",
            "late_return_charge(1.2, 50)",
            "late_return_charge(3, 50)",
            "late_return_charge(4, 45.5)",
            "late_return_charge(4.5, 45.5)",
            "late_return_charge(24, 60)",
            "late_return_charge(25, 60)",
            "late_return_charge(2, 39.99)",
            "late_return_charge(50, 30)",
        ],
    },
    {
        "id": "be-train-025",
        "request": "I'd like a python function that flags emails as spam for my small "
        "business inbox.",
        "ground_truth": """
            def spam_label(subject, body):
                weights = {'free': 2, 'winner': 3, 'urgent': 2, 'crypto': 4, 'click here': 3}
                text = (subject + ' ' + body).lower()
                score = sum(weight for phrase, weight in weights.items() if phrase in text)
                if subject.isupper() and len(subject) > 3:
                    score += 2
                if score >= 5:
                    return 'spam'
                if score >= 3:
                    return 'suspicious'
                return 'ok'
        """,
        "tests": [
            "spam_label('Lunch tomorrow?', 'See you at noon')",
            "spam_label('You are a WINNER', 'Claim your free prize')",
            "spam_label('Free shipping', 'On all orders')",
            "spam_label('URGENT', 'Please reply')",
            "spam_label('URGENT', 'This offer is free')",
            "spam_label('Invest now', 'crypto gains, click here')",
            "spam_label('Invoice', 'urgent: click here to pay')",
            "spam_label('HI', 'free crypto')",
            "spam_label('HELLO THERE', 'free stuff')",
            "spam_label('Meeting notes', 'winner of the award was Sam')",
        ],
    },
    {
        "id": "be-train-026",
        "request": "Can you write a python function that shortens long product descriptions "
        "for my store's listing page?",
        "ground_truth": """
            def shorten(text, max_words=12):
                words = text.split()
                if len(words) <= max_words:
                    return ' '.join(words)
                kept = words[:max_words]
                while kept and kept[-1].lower() in ('and', 'or', 'the', 'a', 'with'):
                    kept.pop()
                return ' '.join(kept).rstrip(',.;:') + '\u2026'
        """,
        "tests": [
            "shorten('A small red mug')",
            "shorten('one two three four five six seven eight nine ten eleven twelve')",
            "shorten('one two three four five six seven eight nine ten eleven twelve thirteen')",
            "shorten('Soft cotton shirt with a relaxed fit and long sleeves', 8)",
            "shorten('Handmade bowl, glazed, fired twice, perfect for soups', 4)",
            "shorten('Lamp with the base and the shade included', 3)",
            "shorten('   lots    of   spaces   here  ')",
            "shorten('')",
            "shorten('Steel, glass; wood: brass. copper', 2)",
            "shorten('and and and and', 2)",
        ],
    },
    {
        "id": "be-train-027",
        "request": "I want a python function that ranks the players in my board game club's "
        "leaderboard.",
        "ground_truth": """
            def rank_players(players):
                ordered = sorted(
                    players, key=lambda p: (-p['points'], p['games'], p['name'].lower())
                )
                result = []
                for position, player in enumerate(ordered, start=1):
                    result.append(f"{position}. {player['name']} ({player['points']})")
                return result
        """,
        "tests": [
            "rank_players([])",
            "rank_players([{'name': 'Ana', 'points': 10, 'games': 4}])",
            "rank_players([{'name': 'Ana', 'points': 10, 'games': 4}, "
            "{'name': 'Bo', 'points': 12, 'games': 6}])",
            "rank_players([{'name': 'Ana', 'points': 10, 'games': 4}, "
            "{'name': 'Bo', 'points': 10, 'games': 3}])",
            "rank_players([{'name': 'cy', 'points': 5, 'games': 2}, "
            "{'name': 'Bo', 'points': 5, 'games': 2}])",
            "rank_players([{'name': 'Zed', 'points': 0, 'games': 0}, "
            "{'name': 'Amy', 'points': 0, 'games': 1}])",
            "rank_players([{'name': 'A', 'points': 3, 'games': 9}, "
            "{'name': 'B', 'points': 7, 'games': 9}, {'name': 'C', 'points': 5, 'games': 1}])",
            "rank_players([{'name': 'dee', 'points': 8, 'games': 5}, "
            "{'name': 'Dan', 'points': 8, 'games': 5}, {'name': 'Eve', 'points': 8, 'games': 4}])",
            "rank_players([{'name': 'Max', 'points': 21, 'games': 7}, "
            "{'name': 'Liv', 'points': 20, 'games': 2}])",
            "rank_players([{'name': 'Q', 'points': -2, 'games': 3}, "
            "{'name': 'R', 'points': 1, 'games': 3}])",
        ],
    },
    {
        "id": "be-train-028",
        "request": "Can you write a python function that shows how much my savings will grow "
        "if I keep putting money in every month?",
        "ground_truth": """
            def savings_after(months, monthly_deposit, annual_rate=4.5, start=0):
                balance = start
                rate = annual_rate / 100 / 12
                for _ in range(months):
                    balance += monthly_deposit
                    balance *= 1 + rate
                return round(balance, 2)
        """,
        "tests": [
            "savings_after(0, 100)",
            "savings_after(1, 100)",
            "savings_after(12, 100)",
            "savings_after(12, 100, 0)",
            "savings_after(24, 250)",
            "savings_after(12, 0, 4.5, 1000)",
            "savings_after(60, 200, 3)",
            "savings_after(6, 50, 6, 500)",
            "savings_after(36, 75.5)",
            "savings_after(120, 100, 7, 10000)",
        ],
    },
    {
        "id": "be-train-029",
        "request": "I need a python function that estimates how many calories I burned during "
        "a workout.",
        "ground_truth": """
            def calories_burned(activity, minutes, weight_kg=70):
                mets = {
                    'walking': 3.5,
                    'cycling': 7.5,
                    'running': 9.8,
                    'swimming': 6.0,
                    'yoga': 2.5,
                }
                met = mets.get(activity.lower(), 4.0)
                calories = met * weight_kg * minutes / 60
                return int(round(calories / 5.0) * 5)
        """,
        "tests": [
            "calories_burned('walking', 30)",
            "calories_burned('running', 30)",
            "calories_burned('Running', 45, 80)",
            "calories_burned('cycling', 60)",
            "calories_burned('swimming', 20, 55)",
            "calories_burned('yoga', 60)",
            "calories_burned('dancing', 60)",
            "calories_burned('walking', 0)",
            "calories_burned('CYCLING', 90, 95.5)",
            "calories_burned('rowing', 15, 60)",
        ],
    },
    {
        "id": "be-train-030",
        "request": "Write a python function that tells me how many days until someone's next "
        "birthday. I want reminders for my friends, and I'm often a bit late.",
        "ground_truth": """
            def days_until_birthday(birthday, today):
                from datetime import date

                born = date.fromisoformat(birthday)
                now = date.fromisoformat(today)
                month, day = born.month, born.day
                if (month, day) == (2, 29):
                    month, day = 3, 1
                upcoming = date(now.year, month, day)
                if upcoming < now:
                    since = (now - upcoming).days
                    if since <= 7:
                        return -since
                    upcoming = date(now.year + 1, month, day)
                return (upcoming - now).days
        """,
        "tests": [
            "days_until_birthday('1990-05-10', '2024-05-10')",
            "days_until_birthday('1990-05-10', '2024-05-09')",
            "days_until_birthday('1990-05-10', '2024-05-17')",
            "days_until_birthday('1985-01-01', '2024-12-31')",
            "days_until_birthday('2000-02-29', '2024-02-28')",
            "days_until_birthday('2000-02-29', '2023-02-28')",
            "days_until_birthday('1990-05-10', '2024-05-18')",
            "days_until_birthday('1970-12-25', '2024-01-01')",
            "days_until_birthday('1999-07-04', '2024-06-30')",
            "days_until_birthday('2000-02-29', '2023-03-04')",
        ],
    },
    {
        "id": "be-train-031",
        "request": "I want a python function that gives me the due date of an invoice from the "
        "date I send it.",
        "ground_truth": """
            def invoice_due_date(issued, net_days=30):
                from datetime import date, timedelta

                due = date.fromisoformat(issued) + timedelta(days=net_days)
                if due.weekday() == 5:
                    due += timedelta(days=2)
                elif due.weekday() == 6:
                    due += timedelta(days=1)
                if due.month == 12 and due.day in (25, 26):
                    due = date(due.year, 12, 27)
                return due.isoformat()
        """,
        "tests": [
            "invoice_due_date('2024-01-01')",
            "invoice_due_date('2024-01-05')",
            "invoice_due_date('2024-01-06')",
            "invoice_due_date('2024-02-15', 14)",
            "invoice_due_date('2024-03-01', 45)",
            "invoice_due_date('2024-11-25')",
            "invoice_due_date('2024-11-26')",
            "invoice_due_date('2024-06-10', 0)",
            "invoice_due_date('2024-06-10', 5)",
            "invoice_due_date('2023-12-20', 7)",
        ],
    },
    {
        "id": "be-train-032",
        "request": "Could you write a python function that decides a student's final result in "
        "my course from their homework and exam marks?",
        "ground_truth": """
            def course_result(homework, exam):
                if exam < 45:
                    return {'final': round(exam, 1), 'passed': False}
                final = 0.35 * homework + 0.65 * exam
                final = round(final, 1)
                return {'final': final, 'passed': final >= 55}
        """,
        "tests": [
            "course_result(100, 44)",
            "course_result(100, 45)",
            "course_result(90, 80)",
            "course_result(60, 50)",
            "course_result(70, 48)",
            "course_result(0, 100)",
            "course_result(100, 100)",
            "course_result(55, 55)",
            "course_result(20, 70)",
            "course_result(95.5, 30.25)",
        ],
    },
    {
        "id": "be-train-033",
        "request": "I need a python function that scales a recipe up or down for however many "
        "people I'm cooking for.",
        "ground_truth": """
            def scale_recipe(ingredients, servings, base_servings=4):
                factor = servings / base_servings
                scaled = {}
                for name, amount in ingredients.items():
                    value = round(amount * factor * 4) / 4
                    if value == 0 and amount > 0:
                        value = 0.25
                    scaled[name] = value
                return scaled
        """,
        "tests": [
            "scale_recipe({'flour': 2, 'sugar': 1}, 4)",
            "scale_recipe({'flour': 2, 'sugar': 1}, 8)",
            "scale_recipe({'flour': 2, 'sugar': 1}, 2)",
            "scale_recipe({'flour': 3, 'salt': 0.1}, 6)",
            "scale_recipe({'eggs': 3}, 1)",
            "scale_recipe({'milk': 1.5, 'butter': 0.5}, 3)",
            "scale_recipe({}, 10)",
            "scale_recipe({'rice': 2}, 5, 2)",
            "scale_recipe({'oil': 0, 'garlic': 2}, 7)",
            "scale_recipe({'pasta': 500, 'basil': 0.3}, 10)",
        ],
    },
    {
        "id": "be-train-034",
        "request": "Write a python function that tells me when to water each of my house plants "
        "next.",
        "ground_truth": """
            def next_watering(plant_type, last_watered, season='summer'):
                from datetime import date, timedelta

                interval = {'succulent': 14, 'fern': 3, 'herb': 2}.get(plant_type, 7)
                if season == 'winter':
                    interval = interval * 2
                elif season in ('spring', 'autumn'):
                    interval = interval + 1
                return (date.fromisoformat(last_watered) + timedelta(days=interval)).isoformat()
        """,
        "tests": [
            "next_watering('succulent', '2024-06-01')",
            "next_watering('succulent', '2024-01-10', 'winter')",
            "next_watering('fern', '2024-07-30')",
            "next_watering('fern', '2024-04-30', 'spring')",
            "next_watering('herb', '2024-12-31', 'winter')",
            "next_watering('cactus', '2024-06-01')",
            "next_watering('orchid', '2024-10-28', 'autumn')",
            "next_watering('herb', '2024-02-28')",
            "next_watering('monstera', '2024-01-01', 'winter')",
            "next_watering('succulent', '2024-03-20', 'spring')",
        ],
    },
    {
        "id": "be-train-035",
        "request": "I want a python function that works out the total for a hotel stay at my "
        "bed and breakfast.",
        "ground_truth": """
            def stay_total(check_in, nights, nightly_rate):
                from datetime import date, timedelta

                start = date.fromisoformat(check_in)
                total = 0.0
                for offset in range(nights):
                    day = start + timedelta(days=offset)
                    rate = nightly_rate
                    if day.weekday() in (4, 5):
                        rate *= 1.2
                    total += rate
                if nights >= 7:
                    total *= 0.85
                return round(total, 2)
        """,
        "tests": [
            "stay_total('2024-05-06', 1, 100)",
            "stay_total('2024-05-10', 1, 100)",
            "stay_total('2024-05-11', 1, 100)",
            "stay_total('2024-05-12', 1, 100)",
            "stay_total('2024-05-09', 3, 90)",
            "stay_total('2024-05-06', 6, 80)",
            "stay_total('2024-05-06', 7, 80)",
            "stay_total('2024-05-01', 14, 120.5)",
            "stay_total('2024-05-06', 0, 100)",
            "stay_total('2024-12-27', 4, 150)",
        ],
    },
    {
        "id": "be-train-036",
        "request": "Can you write a python function that checks whether a username is allowed "
        "on my forum? I want to tell people what's wrong.",
        "ground_truth": """
            def check_username(name):
                if len(name) < 4:
                    return 'too short'
                if len(name) > 16:
                    return 'too long'
                if not name[0].isalpha():
                    return 'must start with a letter'
                for char in name:
                    if not (char.isalnum() or char in '_.'):
                        return 'invalid character'
                if name.lower() in ('admin', 'root', 'moderator'):
                    return 'reserved'
                return 'ok'
        """,
        "tests": [
            "check_username('bob')",
            "check_username('bobby')",
            "check_username('a_very_long_name_indeed')",
            "check_username('abcdefghijklmnop')",
            "check_username('1stplace')",
            "check_username('_hidden')",
            "check_username('jane.doe')",
            "check_username('jane-doe')",
            "check_username('Admin')",
            "check_username('root_user')",
        ],
    },
    {
        "id": "be-train-037",
        "request": "I'd like a python function that hides most of a credit card number when I "
        "show it on a receipt.",
        "ground_truth": """
            def mask_card(number):
                digits = number.replace(' ', '').replace('-', '')
                if not digits.isdigit() or len(digits) < 12:
                    return 'invalid'
                masked = '#' * (len(digits) - 4) + digits[-4:]
                groups = []
                while masked:
                    groups.insert(0, masked[-4:])
                    masked = masked[:-4]
                return ' '.join(groups)
        """,
        "tests": [
            "mask_card('4111111111111111')",
            "mask_card('4111 1111 1111 1234')",
            "mask_card('4111-1111-1111-9876')",
            "mask_card('378282246310005')",
            "mask_card('123456789012')",
            "mask_card('12345678901')",
            "mask_card('4111 1111 abcd 1234')",
            "mask_card('')",
            "mask_card('6011000990139424')",
            "mask_card('5555555555554444')",
        ],
    },
    {
        "id": "be-train-038",
        "request": "Write me a python function that calculates how much income tax I owe for "
        "the year.",
        "ground_truth": """
            def income_tax(income, allowance=12000):
                taxable = max(income - allowance, 0)
                brackets = [(20000, 0.1), (50000, 0.22), (None, 0.35)]
                tax = 0.0
                lower = 0
                for upper, rate in brackets:
                    if upper is None or taxable <= upper:
                        tax += (taxable - lower) * rate
                        break
                    tax += (upper - lower) * rate
                    lower = upper
                return round(tax)
        """,
        "tests": [
            "income_tax(0)",
            "income_tax(12000)",
            "income_tax(20000)",
            "income_tax(32000)",
            "income_tax(32001)",
            "income_tax(62000)",
            "income_tax(100000)",
            "income_tax(100000, 0)",
            "income_tax(45678, 5000)",
            "income_tax(250000)",
        ],
    },
    {
        "id": "be-train-039",
        "request": "I need a python function that works out the unit price when customers "
        "buy in bulk from my craft supply shop.",
        "ground_truth": """
            def bulk_price(quantity, unit_price):
                if quantity >= 100:
                    discount = 0.2
                elif quantity >= 50:
                    discount = 0.12
                elif quantity >= 10:
                    discount = 0.05
                else:
                    discount = 0
                each = round(unit_price * (1 - discount), 2)
                return {'each': each, 'total': round(each * quantity, 2)}
        """,
        "tests": [
            "bulk_price(1, 2.5)",
            "bulk_price(9, 2.5)",
            "bulk_price(10, 2.5)",
            "bulk_price(49, 1.99)",
            "bulk_price(50, 1.99)",
            "bulk_price(99, 0.75)",
            "bulk_price(100, 0.75)",
            "bulk_price(250, 3.1)",
            "bulk_price(0, 5)",
            "bulk_price(12, 10)",
        ],
    },
    {
        "id": "be-train-040",
        "request": "Can you write a python function that formats money amounts for my "
        "accounting reports?",
        "ground_truth": """
            def format_money(amount, symbol='$'):
                rounded = round(abs(amount), 2)
                whole = int(rounded)
                cents = int(round((rounded - whole) * 100))
                text = f'{symbol}{whole:,}.{cents:02d}'
                if amount < 0 and rounded > 0:
                    return '(' + text + ')'
                return text
        """,
        "tests": [
            "format_money(0)",
            "format_money(5)",
            "format_money(1234.5)",
            "format_money(1234567.891)",
            "format_money(-42.1)",
            "format_money(-1500)",
            "format_money(-0.001)",
            "format_money(99.999)",
            "format_money(250, '\u20ac')",
            "format_money(-7.05, '\u00a3')",
        ],
    },
    {
        "id": "be-train-041",
        "request": "I want a python function that shortens big numbers for my app, like "
        "follower counts.",
        "ground_truth": """
            def short_number(n):
                sign = '-' if n < 0 else ''
                n = abs(n)
                for size, suffix in ((10**9, 'B'), (10**6, 'M'), (10**3, 'k')):
                    if n >= size:
                        value = n / size
                        if value < 100:
                            text = f'{value:.1f}'.rstrip('0').rstrip('.')
                        else:
                            text = str(int(value))
                        return sign + text + suffix
                return sign + str(n)
        """,
        "tests": [
            "short_number(0)",
            "short_number(999)",
            "short_number(1000)",
            "short_number(1250)",
            "short_number(15999)",
            "short_number(123456)",
            "short_number(2500000)",
            "short_number(-4321)",
            "short_number(7000000000)",
            "short_number(987654321)",
        ],
    },
    {
        "id": "be-train-042",
        "request": "Can you write a python function that turns a number of seconds into a "
        "friendly 'time ago' label for comments on my site?",
        "ground_truth": """
            def time_ago(seconds):
                if seconds < 45:
                    return 'just now'
                minutes = round(seconds / 60)
                if minutes < 60:
                    return '1 minute ago' if minutes == 1 else f'{minutes} minutes ago'
                hours = round(seconds / 3600)
                if hours < 24:
                    return '1 hour ago' if hours == 1 else f'{hours} hours ago'
                days = seconds // 86400
                if days <= 1:
                    return 'yesterday'
                return f'{days} days ago'
        """,
        "tests": [
            "time_ago(0)",
            "time_ago(44)",
            "time_ago(45)",
            "time_ago(150)",
            "time_ago(3569)",
            "time_ago(5400)",
            "time_ago(80000)",
            "time_ago(86400)",
            "time_ago(200000)",
            "time_ago(1000000)",
        ],
    },
    {
        "id": "be-train-043",
        "request": "I'd like a python function that tells me what to bring when I go out, "
        "based on the weather forecast.",
        "ground_truth": """
            def what_to_bring(temp_c, rain_chance, uv_index=0):
                items = []
                if rain_chance >= 40:
                    items.append('umbrella')
                if temp_c < 10:
                    items.append('coat')
                elif temp_c < 17:
                    items.append('sweater')
                if uv_index >= 6:
                    items.append('sunscreen')
                if temp_c > 28:
                    items.append('water bottle')
                return items or ['nothing special']
        """,
        "tests": [
            "what_to_bring(20, 0)",
            "what_to_bring(20, 40)",
            "what_to_bring(20, 39)",
            "what_to_bring(9, 80)",
            "what_to_bring(10, 10)",
            "what_to_bring(16.9, 50)",
            "what_to_bring(17, 0, 6)",
            "what_to_bring(30, 0, 9)",
            "what_to_bring(28, 0, 5)",
            "what_to_bring(-3, 60, 1)",
        ],
    },
    {
        "id": "be-train-044",
        "request": "Write a python function that scores a roll of five dice in the dice game "
        "our family plays at the cabin.",
        "ground_truth": """
            def dice_score(dice):
                counts = {face: dice.count(face) for face in set(dice)}
                if len(counts) == 1:
                    return 2000
                if sorted(dice) in ([1, 2, 3, 4, 5], [2, 3, 4, 5, 6]):
                    return 1500
                score = 0
                for face, count in counts.items():
                    if count >= 3:
                        score += (1000 if face == 1 else face * 100) * (count - 2)
                        count = 0
                    if face == 1:
                        score += count * 100
                    elif face == 5:
                        score += count * 50
                return score
        """,
        "tests": [
            "dice_score([2, 3, 4, 6, 6])",
            "dice_score([1, 2, 3, 4, 6])",
            "dice_score([5, 2, 3, 4, 6])",
            "dice_score([1, 1, 5, 2, 3])",
            "dice_score([3, 3, 3, 2, 4])",
            "dice_score([1, 1, 1, 5, 2])",
            "dice_score([4, 4, 4, 4, 2])",
            "dice_score([6, 6, 6, 6, 6])",
            "dice_score([3, 5, 4, 1, 2])",
            "dice_score([6, 2, 5, 4, 3])",
        ],
    },
    {
        "id": "be-train-045",
        "request": "I need a python function that calculates fantasy football points for a "
        "player's game stats in my league.",
        "ground_truth": """
            def fantasy_points(stats):
                weights = {
                    'passing_yards': 0.04,
                    'passing_tds': 4,
                    'rushing_yards': 0.1,
                    'rushing_tds': 6,
                    'receptions': 0.5,
                    'receiving_yards': 0.1,
                    'receiving_tds': 6,
                    'interceptions': -2,
                    'fumbles': -2,
                }
                points = sum(weights.get(key, 0) * value for key, value in stats.items())
                if stats.get('rushing_yards', 0) >= 100:
                    points += 3
                return round(points, 2)
        """,
        "tests": [
            "fantasy_points({})",
            "fantasy_points({'passing_yards': 300, 'passing_tds': 2})",
            "fantasy_points({'passing_yards': 250, 'interceptions': 3})",
            "fantasy_points({'rushing_yards': 99, 'rushing_tds': 1})",
            "fantasy_points({'rushing_yards': 100})",
            "fantasy_points({'receptions': 8, 'receiving_yards': 95, 'receiving_tds': 1})",
            "fantasy_points({'receptions': 1, 'fumbles': 1})",
            "fantasy_points({'tackles': 10})",
            "fantasy_points({'passing_yards': 5, 'rushing_yards': 130, 'rushing_tds': 2})",
            "fantasy_points({'receptions': 12, 'receiving_yards': 41})",
        ],
    },
    {
        "id": "be-train-046",
        "request": "Can you write a python function that tells me which blood pressure "
        "category a reading falls in? I log mine every morning.",
        "ground_truth": """
            def bp_category(systolic, diastolic):
                if systolic >= 180 or diastolic >= 120:
                    return 'crisis'
                if systolic >= 140 or diastolic >= 90:
                    return 'stage 2'
                if systolic >= 130 or diastolic >= 80:
                    return 'stage 1'
                if systolic >= 120:
                    return 'elevated'
                if systolic < 90 or diastolic < 60:
                    return 'low'
                return 'normal'
        """,
        "tests": [
            "bp_category(115, 75)",
            "bp_category(120, 75)",
            "bp_category(129, 79)",
            "bp_category(125, 80)",
            "bp_category(139, 70)",
            "bp_category(140, 85)",
            "bp_category(150, 95)",
            "bp_category(181, 100)",
            "bp_category(110, 120)",
            "bp_category(88, 58)",
        ],
    },
    {
        "id": "be-train-047",
        "request": "I want a python function that works out a medicine dose for a child from "
        "their weight. It's for the clinic's reference tool.",
        "ground_truth": """
            def child_dose_mg(weight_kg, mg_per_kg=15):
                if weight_kg <= 0:
                    return 0
                dose = weight_kg * mg_per_kg
                dose = min(dose, 500)
                return int(5 * round(dose / 5))
        """,
        "tests": [
            "child_dose_mg(0)",
            "child_dose_mg(10)",
            "child_dose_mg(12.3)",
            "child_dose_mg(20)",
            "child_dose_mg(33.4)",
            "child_dose_mg(40)",
            "child_dose_mg(18, 10)",
            "child_dose_mg(7.7, 12.5)",
            "child_dose_mg(60, 10)",
            "child_dose_mg(-5)",
        ],
    },
    {
        "id": "be-train-048",
        "request": "Write me a python function that finds my longest streak of days where I "
        "hit my step goal.",
        "ground_truth": """
            def longest_streak(daily_steps, goal=8000):
                best = current = 0
                for steps in daily_steps:
                    if steps is None:
                        continue
                    if steps >= goal:
                        current += 1
                        best = max(best, current)
                    else:
                        current = 0
                return best
        """,
        "tests": [
            "longest_streak([])",
            "longest_streak([9000, 10000, 7999, 8000])",
            "longest_streak([8000, 8000, 8000])",
            "longest_streak([7999, 7000, 100])",
            "longest_streak([9000, None, 9000, 9000, 3000])",
            "longest_streak([12000, 500, 12000, 12000, 12000, 12000])",
            "longest_streak([5000, 6000, 5500], 5000)",
            "longest_streak([10000, 9999, 10000], 10000)",
            "longest_streak([None, None])",
            "longest_streak([8500, 8600, None, 7000, 8100, 8200, 8300])",
        ],
    },
    {
        "id": "be-train-049",
        "request": "I need a python function that tells me how many boxes I need to pack an "
        "order in my warehouse.",
        "ground_truth": """
            def boxes_needed(items):
                import math

                regular = sum(item['qty'] for item in items if not item.get('fragile'))
                fragile = sum(item['qty'] for item in items if item.get('fragile'))
                return math.ceil(regular / 12) + math.ceil(fragile / 4)
        """,
        "tests": [
            "boxes_needed([])",
            "boxes_needed([{'qty': 1}])",
            "boxes_needed([{'qty': 12}])",
            "boxes_needed([{'qty': 13}])",
            "boxes_needed([{'qty': 4, 'fragile': True}])",
            "boxes_needed([{'qty': 5, 'fragile': True}])",
            "boxes_needed([{'qty': 6}, {'qty': 6}, {'qty': 1, 'fragile': True}])",
            "boxes_needed([{'qty': 30, 'fragile': False}, {'qty': 9, 'fragile': True}])",
            "boxes_needed([{'qty': 0}, {'qty': 0, 'fragile': True}])",
            "boxes_needed([{'qty': 25}, {'qty': 24}])",
        ],
    },
    {
        "id": "be-train-050",
        "request": "Can you write a python function that estimates when an order will arrive? "
        "We ship from our workshop on business days.",
        "ground_truth": """
            def delivery_date(order_date, order_hour, transit_days=3):
                from datetime import date, timedelta

                day = date.fromisoformat(order_date)
                if order_hour >= 14:
                    day += timedelta(days=1)
                while day.weekday() >= 5:
                    day += timedelta(days=1)
                remaining = transit_days
                while remaining > 0:
                    day += timedelta(days=1)
                    if day.weekday() < 5:
                        remaining -= 1
                return day.isoformat()
        """,
        "tests": [
            "delivery_date('2024-05-06', 9)",
            "delivery_date('2024-05-06', 13)",
            "delivery_date('2024-05-06', 14)",
            "delivery_date('2024-05-09', 15)",
            "delivery_date('2024-05-10', 10)",
            "delivery_date('2024-05-10', 16)",
            "delivery_date('2024-05-11', 8)",
            "delivery_date('2024-05-12', 20, 1)",
            "delivery_date('2024-05-08', 11, 5)",
            "delivery_date('2024-05-07', 0, 0)",
        ],
    },
    {
        "id": "be-train-051",
        "request": "I want a python function that adds up the hours on an employee's timesheet "
        "for the day.",
        "ground_truth": """
            def hours_worked(shifts):
                total = 0
                for shift in shifts:
                    start, end = shift.split('-')
                    sh, sm = (int(x) for x in start.split(':'))
                    eh, em = (int(x) for x in end.split(':'))
                    minutes = (eh * 60 + em) - (sh * 60 + sm)
                    if minutes < 0:
                        minutes += 24 * 60
                    total += minutes
                if total > 6 * 60:
                    total -= 30
                return round(total / 60, 2)
        """,
        "tests": [
            "hours_worked([])",
            "hours_worked(['09:00-17:00'])",
            "hours_worked(['09:00-15:00'])",
            "hours_worked(['09:00-15:01'])",
            "hours_worked(['08:00-12:00', '13:00-17:30'])",
            "hours_worked(['22:00-06:00'])",
            "hours_worked(['10:15-11:05'])",
            "hours_worked(['07:00-10:00', '11:00-14:00'])",
            "hours_worked(['07:00-10:00', '11:00-14:20'])",
            "hours_worked(['23:30-00:15', '01:00-02:00'])",
        ],
    },
    {
        "id": "be-train-052",
        "request": "Can you write a python function that reads one line from the CSV exports "
        "my bank gives me and turns it into a clean list?",
        "ground_truth": """
            def parse_bank_line(line):
                fields = [field.strip() for field in line.split(';')]
                cleaned = []
                for field in fields:
                    if field in ('', '-', 'N/A'):
                        cleaned.append(None)
                    elif field.replace('.', '', 1).replace('-', '', 1).isdigit():
                        cleaned.append(float(field))
                    else:
                        cleaned.append(field.strip('"'))
                return cleaned
        """,
        "tests": [
            "parse_bank_line('2024-01-05;Coffee;-3.50')",
            "parse_bank_line(' 2024-01-05 ; Coffee ; -3.50 ')",
            "parse_bank_line('Rent;;-950')",
            "parse_bank_line('Salary;N/A;2500.00')",
            "parse_bank_line('\"Shop, Inc\";-;12')",
            "parse_bank_line('')",
            "parse_bank_line('a,b,c')",
            "parse_bank_line('Fee;1.2.3;--4')",
            "parse_bank_line('Refund; 15 ;N/A')",
            "parse_bank_line('x;y;z;0.5')",
        ],
    },
    {
        "id": "be-train-053",
        "request": "Write a python function that makes an acronym out of a team or project name.",
        "ground_truth": """
            def make_acronym(name):
                small = {'of', 'and', 'the', 'for', 'in', 'on'}
                words = name.replace('-', ' ').split()
                letters = [w[0].upper() for w in words if w.lower() not in small]
                if len(letters) < 2:
                    return ''.join(words).upper()[:4]
                return '.'.join(letters) + '.'
        """,
        "tests": [
            "make_acronym('Portable Network Graphics')",
            "make_acronym('Bank of America')",
            "make_acronym('Society for the Prevention of Cruelty')",
            "make_acronym('self-contained underwater breathing apparatus')",
            "make_acronym('Marketing')",
            "make_acronym('The Team')",
            "make_acronym('')",
            "make_acronym('Rest and Relaxation')",
            "make_acronym('war on drugs')",
            "make_acronym('in the and of')",
        ],
    },
    {
        "id": "be-train-054",
        "request": "I'd like a python function that encodes secret messages for the treasure "
        "hunt I'm running for my kids.",
        "ground_truth": """
            def encode_message(message, shift=5):
                out = []
                for char in message:
                    if char.isalpha() and char.isascii():
                        base = ord('a') if char.islower() else ord('A')
                        out.append(chr((ord(char) - base + shift) % 26 + base))
                    elif char.isdigit():
                        out.append(str(9 - int(char)))
                    elif char == ' ':
                        out.append('_')
                    else:
                        out.append(char)
                return ''.join(out)
        """,
        "tests": [
            "encode_message('abc')",
            "encode_message('xyz')",
            "encode_message('Hello World')",
            "encode_message('Room 42!')",
            "encode_message('')",
            "encode_message('abc', 1)",
            "encode_message('Zoo', 13)",
            "encode_message('0123456789')",
            "encode_message('Look under the BED.', 3)",
            "encode_message('caf\u00e9 7')",
        ],
    },
    {
        "id": "be-train-055",
        "request": "Can you write a python function that curves the grades on my last exam? "
        "It was harder than I meant it to be.",
        "ground_truth": """
            def curve_scores(scores):
                if not scores:
                    return []
                bump = 100 - max(scores)
                bump = min(bump, 15)
                return [min(100, round(score + bump)) if score > 0 else 0 for score in scores]
        """,
        "tests": [
            "curve_scores([])",
            "curve_scores([100, 80, 60])",
            "curve_scores([90, 70, 50])",
            "curve_scores([85, 84.6, 40])",
            "curve_scores([70, 65, 30])",
            "curve_scores([0, 50, 90])",
            "curve_scores([50])",
            "curve_scores([88.5, 72.25])",
            "curve_scores([95, 95, 95])",
            "curve_scores([60, 0, 0, 45])",
        ],
    },
    {
        "id": "be-train-056",
        "request": "I need a python function that works out a student's attendance rate for my "
        "report cards.",
        "ground_truth": """
            def attendance_rate(records):
                credit = {'present': 1.0, 'late': 0.5, 'excused': 1.0, 'absent': 0.0}
                counted = [r for r in records if r != 'holiday']
                if not counted:
                    return 100.0
                earned = sum(credit.get(r, 0.0) for r in counted)
                return round(100 * earned / len(counted), 1)
        """,
        "tests": [
            "attendance_rate([])",
            "attendance_rate(['present', 'present'])",
            "attendance_rate(['present', 'absent'])",
            "attendance_rate(['late', 'late', 'present', 'present'])",
            "attendance_rate(['excused', 'absent', 'absent'])",
            "attendance_rate(['holiday', 'holiday'])",
            "attendance_rate(['present', 'holiday', 'absent'])",
            "attendance_rate(['late', 'sick', 'present'])",
            "attendance_rate(['present'] * 19 + ['late'])",
            "attendance_rate(['absent', 'late', 'excused', 'present', 'holiday', 'late'])",
        ],
    },
    {
        "id": "be-train-057",
        "request": "Write a python function that decides whether a member can borrow another "
        "book from our community library, and says why not if they can't.",
        "ground_truth": """
            def borrow_check(tier, books_out, unpaid_fines):
                limits = {'basic': 3, 'plus': 6, 'staff': 10}
                if tier not in limits:
                    return 'unknown tier'
                if unpaid_fines > 5.0:
                    return 'pay fines first'
                if books_out >= limits[tier]:
                    return 'limit reached'
                return 'ok'
        """,
        "tests": [
            "borrow_check('basic', 0, 0)",
            "borrow_check('basic', 2, 0)",
            "borrow_check('basic', 3, 0)",
            "borrow_check('plus', 5, 5.0)",
            "borrow_check('plus', 5, 5.01)",
            "borrow_check('plus', 6, 0)",
            "borrow_check('staff', 9, 1)",
            "borrow_check('staff', 10, 0)",
            "borrow_check('guest', 0, 0)",
            "borrow_check('basic', 1, 12.5)",
        ],
    },
    {
        "id": "be-train-058",
        "request": "I want a python function that guesses how long a party will wait for a "
        "table at my restaurant.",
        "ground_truth": """
            def wait_minutes(party_size, parties_ahead, free_tables=0):
                if party_size > 8:
                    return None
                if free_tables > parties_ahead:
                    return 0
                per_party = 12 if party_size <= 4 else 20
                wait = (parties_ahead - free_tables + 1) * per_party
                return min(wait, 90)
        """,
        "tests": [
            "wait_minutes(2, 0, 1)",
            "wait_minutes(2, 0)",
            "wait_minutes(4, 3)",
            "wait_minutes(5, 3)",
            "wait_minutes(6, 1, 1)",
            "wait_minutes(3, 2, 3)",
            "wait_minutes(8, 10)",
            "wait_minutes(9, 0, 5)",
            "wait_minutes(1, 4, 2)",
            "wait_minutes(4, 7)",
        ],
    },
    {
        "id": "be-train-059",
        "request": "Can you write a python function that sets the priority of a support ticket "
        "for our help desk?",
        "ground_truth": """
            def ticket_priority(severity, customer_tier, hours_open=0):
                rank = {'critical': 1, 'major': 2, 'minor': 3, 'question': 4}.get(severity, 4)
                if customer_tier == 'enterprise':
                    rank -= 1
                if hours_open >= 48:
                    rank -= 1
                return 'P' + str(max(rank, 1))
        """,
        "tests": [
            "ticket_priority('critical', 'free')",
            "ticket_priority('major', 'free')",
            "ticket_priority('major', 'enterprise')",
            "ticket_priority('minor', 'pro')",
            "ticket_priority('minor', 'enterprise', 48)",
            "ticket_priority('minor', 'pro', 47)",
            "ticket_priority('question', 'free', 100)",
            "ticket_priority('critical', 'enterprise', 72)",
            "ticket_priority('bug', 'pro')",
            "ticket_priority('question', 'enterprise')",
        ],
    },
    {
        "id": "be-train-060",
        "request": "I need a python function that works out my team's average velocity for "
        "sprint planning.",
        "ground_truth": """
            def average_velocity(points, last=3):
                done = [p for p in points if p > 0]
                recent = done[-last:]
                if not recent:
                    return 0
                return round(sum(recent) / len(recent))
        """,
        "tests": [
            "average_velocity([])",
            "average_velocity([20])",
            "average_velocity([20, 30])",
            "average_velocity([10, 20, 30, 40])",
            "average_velocity([10, 20, 0, 30, 40])",
            "average_velocity([0, 0, 0])",
            "average_velocity([21, 22, 25, 0], 2)",
            "average_velocity([5, 8, 13, 21, 34], 5)",
            "average_velocity([12, 17, 19, 23], 1)",
            "average_velocity([33, 0, 28, 31, 0, 26])",
        ],
    },
    {
        "id": "be-train-061",
        "request": "I want a python function that counts how many free coffees a customer has "
        "earned on their loyalty card.",
        "ground_truth": """
            def free_coffees(purchases):
                paid = 0
                free = 0
                for size in purchases:
                    if size == 'kids':
                        continue
                    paid += 2 if size == 'large' else 1
                    if paid >= 9:
                        free += 1
                        paid -= 9
                return {'free': free, 'stamps': paid}
        """,
        "tests": [
            "free_coffees([])",
            "free_coffees(['small'] * 8)",
            "free_coffees(['small'] * 9)",
            "free_coffees(['medium'] * 10)",
            "free_coffees(['large'] * 4)",
            "free_coffees(['large'] * 5)",
            "free_coffees(['kids'] * 20)",
            "free_coffees(['large', 'small', 'kids', 'large', 'large', 'large'])",
            "free_coffees(['small'] * 20)",
            "free_coffees(['large'] * 9 + ['medium'])",
        ],
    },
    {
        "id": "be-train-062",
        "request": "Can you write a python function that estimates the carbon footprint of a "
        "trip? I'm tracking my travel this year.",
        "ground_truth": """
            def trip_co2_kg(mode, km, passengers=1):
                per_km = {'car': 0.17, 'bus': 0.09, 'train': 0.04, 'plane': 0.25, 'bike': 0.0}
                if mode not in per_km:
                    return None
                total = per_km[mode] * km
                if mode == 'car' and passengers > 1:
                    total = total / passengers
                if mode == 'plane' and km < 500:
                    total *= 1.5
                return round(total, 1)
        """,
        "tests": [
            "trip_co2_kg('car', 100)",
            "trip_co2_kg('car', 100, 4)",
            "trip_co2_kg('bus', 100, 4)",
            "trip_co2_kg('train', 350)",
            "trip_co2_kg('plane', 499)",
            "trip_co2_kg('plane', 500)",
            "trip_co2_kg('plane', 2400, 2)",
            "trip_co2_kg('bike', 30)",
            "trip_co2_kg('boat', 30)",
            "trip_co2_kg('car', 37.5, 3)",
        ],
    },
    {
        "id": "be-train-063",
        "request": "I need a python function that tells me the most I can afford to pay each "
        "month for a mortgage.",
        "ground_truth": """
            def max_mortgage_payment(monthly_income, monthly_debts=0):
                housing_cap = monthly_income * 0.28
                total_cap = monthly_income * 0.36 - monthly_debts
                payment = min(housing_cap, total_cap)
                if payment < 0:
                    return 0
                return int(payment // 10 * 10)
        """,
        "tests": [
            "max_mortgage_payment(5000)",
            "max_mortgage_payment(5000, 300)",
            "max_mortgage_payment(5000, 400)",
            "max_mortgage_payment(5000, 600)",
            "max_mortgage_payment(3333)",
            "max_mortgage_payment(8000, 1000)",
            "max_mortgage_payment(2000, 900)",
            "max_mortgage_payment(0)",
            "max_mortgage_payment(12345, 250)",
            "max_mortgage_payment(4100, 500)",
        ],
    },
    {
        "id": "be-train-064",
        "request": "Write me a python function that tells me which heart rate zone I'm in "
        "during a workout.",
        "ground_truth": """
            def heart_rate_zone(age, bpm):
                max_hr = 208 - 0.7 * age
                percent = bpm / max_hr * 100
                if percent < 50:
                    return 'rest'
                if percent < 60:
                    return 'zone 1'
                if percent < 70:
                    return 'zone 2'
                if percent < 80:
                    return 'zone 3'
                if percent < 90:
                    return 'zone 4'
                return 'zone 5'
        """,
        "tests": [
            "heart_rate_zone(30, 60)",
            "heart_rate_zone(30, 95)",
            "heart_rate_zone(30, 115)",
            "heart_rate_zone(30, 130)",
            "heart_rate_zone(30, 150)",
            "heart_rate_zone(30, 170)",
            "heart_rate_zone(30, 190)",
            "heart_rate_zone(60, 100)",
            "heart_rate_zone(45, 142)",
            "heart_rate_zone(20, 97)",
        ],
    },
    {
        "id": "be-train-065",
        "request": "Can you write a python function that updates a player's chess rating after "
        "a game at our club?",
        "ground_truth": """
            def new_rating(rating, opponent, result):
                k = 40 if rating < 1600 else 20
                if rating >= 2200:
                    k = 10
                expected = 1 / (1 + 10 ** ((opponent - rating) / 400))
                score = {'win': 1.0, 'draw': 0.5, 'loss': 0.0}[result]
                return round(rating + k * (score - expected))
        """,
        "tests": [
            "new_rating(1500, 1500, 'win')",
            "new_rating(1500, 1500, 'draw')",
            "new_rating(1500, 1700, 'loss')",
            "new_rating(1600, 1600, 'win')",
            "new_rating(1599, 1800, 'win')",
            "new_rating(2000, 1800, 'draw')",
            "new_rating(2200, 2400, 'win')",
            "new_rating(2350, 2000, 'loss')",
            "new_rating(1200, 900, 'loss')",
            "new_rating(1850, 1850, 'loss')",
        ],
    },
    {
        "id": "be-train-066",
        "request": "I'd like a python function that builds the points table for my five-a-side "
        "soccer league from the match results.",
        "ground_truth": """
            def league_table(matches):
                points = {}
                for home, away, home_goals, away_goals in matches:
                    for team in (home, away):
                        points.setdefault(team, 0)
                    if home_goals > away_goals:
                        points[home] += 3
                    elif home_goals < away_goals:
                        points[away] += 3
                    else:
                        points[home] += 1
                        points[away] += 1
                    if home_goals >= 5:
                        points[home] += 1
                    if away_goals >= 5:
                        points[away] += 1
                ranked = sorted(points.items(), key=lambda item: (-item[1], item[0]))
                return [[team, total] for team, total in ranked]
        """,
        "tests": [
            "league_table([])",
            "league_table([('Reds', 'Blues', 2, 1)])",
            "league_table([('Reds', 'Blues', 1, 1)])",
            "league_table([('Reds', 'Blues', 0, 3)])",
            "league_table([('Reds', 'Blues', 5, 1)])",
            "league_table([('Reds', 'Blues', 4, 5)])",
            "league_table([('Reds', 'Blues', 5, 5)])",
            "league_table([('A', 'B', 1, 0), ('B', 'C', 2, 2), ('C', 'A', 6, 0)])",
            "league_table([('Owls', 'Bats', 3, 3), ('Bats', 'Owls', 0, 0)])",
            "league_table([('X', 'Y', 7, 6), ('Y', 'Z', 1, 2)])",
        ],
    },
    {
        "id": "be-train-067",
        "request": "Write a python function that tells me how much fuel a road trip will cost.",
        "ground_truth": """
            def fuel_cost(km, l_per_100km, price_per_l=1.85, round_trip=True):
                distance = km * 2 if round_trip else km
                litres = distance * l_per_100km / 100
                return round(litres * price_per_l, 2)
        """,
        "tests": [
            "fuel_cost(100, 6)",
            "fuel_cost(100, 6, 1.85, False)",
            "fuel_cost(250, 7.5)",
            "fuel_cost(250, 7.5, 2.1)",
            "fuel_cost(0, 8)",
            "fuel_cost(42, 5.2, 1.69, False)",
            "fuel_cost(600, 9.8)",
            "fuel_cost(12.5, 11)",
            "fuel_cost(1000, 4.4, 1.5)",
            "fuel_cost(320, 6.1, 1.99, True)",
        ],
    },
    {
        "id": "be-train-068",
        "request": "I want a python function that tells me the average sentence length of a "
        "text. I'm trying to make my writing easier to read.",
        "ground_truth": """
            def average_sentence_length(text):
                import re

                sentences = [s.split() for s in re.split(r'[.!?]+', text)]
                sentences = [words for words in sentences if len(words) >= 3]
                if not sentences:
                    return 0.0
                words = sum(len(words) for words in sentences)
                return round(words / len(sentences), 2)
        """,
        "tests": [
            "average_sentence_length('')",
            "average_sentence_length('One sentence here.')",
            "average_sentence_length('Hi. How are you today?')",
            "average_sentence_length('Wow!!! That was fast... Really?')",
            "average_sentence_length('No punctuation at all')",
            "average_sentence_length('A b c. D e. F g h i.')",
            "average_sentence_length('Is it; or is it not? Yes: it is.')",
            "average_sentence_length('...')",
            "average_sentence_length('Short. Short. A much longer sentence follows now.')",
            "average_sentence_length('Dr. Smith arrived. He sat down.')",
        ],
    },
    {
        "id": "be-train-069",
        "request": "Can you write a python function that pulls the hashtags out of a social "
        "media post?",
        "ground_truth": """
            def extract_hashtags(post):
                import re

                seen = []
                for tag in re.findall(r'#(\\w+)', post):
                    tag = tag.lower()
                    if len(tag) < 2 or tag.isdigit():
                        continue
                    if tag not in seen:
                        seen.append(tag)
                return seen[:5]
        """,
        "tests": [
            "extract_hashtags('no tags here')",
            "extract_hashtags('Loving the #sun')",
            "extract_hashtags('#Sun #sun #SUN')",
            "extract_hashtags('#a #bb #ccc')",
            "extract_hashtags('#2024 #year2024')",
            "extract_hashtags('#one#two #three')",
            "extract_hashtags('#a1 #b2 #c3 #d4 #e5 #f6 #g7')",
            "extract_hashtags('email me at me#home dot com')",
            "extract_hashtags('#Travel, #food! #travel #FoodPorn')",
            "extract_hashtags('# #_ #__init__')",
        ],
    },
    {
        "id": "be-train-070",
        "request": "I need a python function that values the stock in my shop's storeroom.",
        "ground_truth": """
            def stock_value(items):
                total = 0.0
                for item in items:
                    value = item['qty'] * item['cost']
                    if item.get('condition') == 'damaged':
                        value *= 0.4
                    elif item.get('condition') == 'returned':
                        value *= 0.8
                    total += value
                return round(total, 2)
        """,
        "tests": [
            "stock_value([])",
            "stock_value([{'qty': 10, 'cost': 2.5}])",
            "stock_value([{'qty': 10, 'cost': 2.5, 'condition': 'new'}])",
            "stock_value([{'qty': 10, 'cost': 2.5, 'condition': 'damaged'}])",
            "stock_value([{'qty': 10, 'cost': 2.5, 'condition': 'returned'}])",
            "stock_value([{'qty': 3, 'cost': 19.99}, {'qty': 1, 'cost': 5, "
            "'condition': 'damaged'}])",
            "stock_value([{'qty': 0, 'cost': 100}])",
            "stock_value([{'qty': 7, 'cost': 1.15, 'condition': 'returned'}, "
            "{'qty': 2, 'cost': 30, 'condition': 'damaged'}])",
            "stock_value([{'qty': 100, 'cost': 0.33}])",
            "stock_value([{'qty': 4, 'cost': 12.5, 'condition': 'Damaged'}])",
        ],
    },
    {
        "id": "be-train-071",
        "request": "Write a python function that works out the prorated charge when someone "
        "signs up for my subscription in the middle of a month.",
        "ground_truth": """
            def prorated_charge(signup_date, monthly_price):
                import calendar

                year, month, day = (int(part) for part in signup_date.split('-'))
                days_in_month = calendar.monthrange(year, month)[1]
                if day >= 25:
                    return 0.0
                remaining = days_in_month - day + 1
                return round(monthly_price * remaining / days_in_month, 2)
        """,
        "tests": [
            "prorated_charge('2024-05-01', 31)",
            "prorated_charge('2024-05-02', 31)",
            "prorated_charge('2024-05-15', 20)",
            "prorated_charge('2024-05-24', 31)",
            "prorated_charge('2024-05-25', 31)",
            "prorated_charge('2024-02-10', 29)",
            "prorated_charge('2023-02-10', 29)",
            "prorated_charge('2024-06-30', 15)",
            "prorated_charge('2024-04-20', 9.99)",
            "prorated_charge('2024-12-01', 12)",
        ],
    },
    {
        "id": "be-train-072",
        "request": "Can you write a python function that assigns seats for our charity gala? "
        "Some guests are VIPs.",
        "ground_truth": """
            def assign_seats(guests, seats_per_table=8):
                ordered = sorted(guests, key=lambda g: (not g['vip'], g['name']))
                plan = {}
                for index, guest in enumerate(ordered):
                    table = index // seats_per_table + 1
                    plan[guest['name']] = f'T{table}-S{index % seats_per_table + 1}'
                return plan
        """,
        "tests": [
            "assign_seats([])",
            "assign_seats([{'name': 'Ann', 'vip': False}])",
            "assign_seats([{'name': 'Ann', 'vip': False}, {'name': 'Bob', 'vip': True}])",
            "assign_seats([{'name': 'Cy', 'vip': True}, {'name': 'Al', 'vip': True}])",
            "assign_seats([{'name': n, 'vip': False} for n in 'ABCDEFGHI'])",
            "assign_seats([{'name': n, 'vip': n in 'XZ'} for n in 'WXYZ'], 2)",
            "assign_seats([{'name': n, 'vip': False} for n in 'PQR'], 1)",
            "assign_seats([{'name': 'zoe', 'vip': False}, {'name': 'Zed', 'vip': False}])",
            "assign_seats([{'name': n, 'vip': n == 'J'} for n in 'FGHIJ'], 4)",
            "assign_seats([{'name': 'Mo', 'vip': True}, {'name': 'Li', 'vip': False}], 10)",
        ],
    },
    {
        "id": "be-train-073",
        "request": "I run a bakery and I'd like a python function that prices an order of cookies.",
        "ground_truth": """
            def cookie_order_price(count, price_each=1.5):
                dozens, singles = divmod(count, 13)
                total = dozens * 12 * price_each + singles * price_each
                if count >= 100:
                    total *= 0.9
                return round(total, 2)
        """,
        "tests": [
            "cookie_order_price(0)",
            "cookie_order_price(1)",
            "cookie_order_price(12)",
            "cookie_order_price(13)",
            "cookie_order_price(14)",
            "cookie_order_price(26)",
            "cookie_order_price(99)",
            "cookie_order_price(100)",
            "cookie_order_price(40, 2.25)",
            "cookie_order_price(130, 1.2)",
        ],
    },
    {
        "id": "be-train-074",
        "request": "Write a python function that marks a multiple choice quiz for my students.",
        "ground_truth": """
            def mark_quiz(answers, key):
                score = 0
                for given, correct in zip(answers, key):
                    if given is None or given == '':
                        continue
                    if given.strip().upper() == correct.upper():
                        score += 4
                    else:
                        score -= 1
                return max(score, 0)
        """,
        "tests": [
            "mark_quiz([], [])",
            "mark_quiz(['A'], ['A'])",
            "mark_quiz(['B'], ['A'])",
            "mark_quiz(['a', 'b', 'c'], ['A', 'B', 'C'])",
            "mark_quiz(['A', 'B', 'D'], ['A', 'B', 'C'])",
            "mark_quiz([None, '', 'C'], ['A', 'B', 'C'])",
            "mark_quiz(['D', 'D', 'D'], ['A', 'B', 'C'])",
            "mark_quiz([' b ', 'C', None, 'A'], ['B', 'C', 'D', 'D'])",
            "mark_quiz(['A', 'A', 'A', 'A', 'A'], ['A', 'B', 'A', 'C', 'A'])",
            "mark_quiz(['C', 'C'], ['C', 'C', 'C'])",
        ],
    },
    {
        "id": "be-train-075",
        "request": "I need a python function that tells users when their password expires and "
        "when to warn them.",
        "ground_truth": """
            def password_status(last_changed, today, admin=False):
                from datetime import date

                age = (date.fromisoformat(today) - date.fromisoformat(last_changed)).days
                lifetime = 60 if admin else 90
                left = lifetime - age
                if left <= 0:
                    return 'expired'
                if left <= 14:
                    return f'expires in {left} days'
                return 'ok'
        """,
        "tests": [
            "password_status('2024-01-01', '2024-01-01')",
            "password_status('2024-01-01', '2024-03-01')",
            "password_status('2024-01-01', '2024-03-17')",
            "password_status('2024-01-01', '2024-03-18')",
            "password_status('2024-01-01', '2024-03-30')",
            "password_status('2024-01-01', '2024-03-31')",
            "password_status('2024-01-01', '2024-02-15', True)",
            "password_status('2024-01-01', '2024-02-16', True)",
            "password_status('2024-01-01', '2024-03-01', True)",
            "password_status('2023-12-15', '2024-03-10')",
        ],
    },
    {
        "id": "be-train-076",
        "request": "Can you write a python function that tells me whether a product review is "
        "positive or negative? I have hundreds to sort.",
        "ground_truth": """
            def review_mood(review):
                good = {'great': 2, 'love': 2, 'good': 1, 'nice': 1, 'perfect': 3}
                bad = {'bad': 1, 'broken': 3, 'refund': 2, 'poor': 2, 'hate': 3}
                words = review.lower().replace('!', ' ').replace('.', ' ').split()
                score = 0
                for i, word in enumerate(words):
                    sign = -1 if i > 0 and words[i - 1] == 'not' else 1
                    score += sign * good.get(word, 0) - sign * bad.get(word, 0)
                if score >= 2:
                    return 'positive'
                if score <= -2:
                    return 'negative'
                return 'neutral'
        """,
        "tests": [
            "review_mood('')",
            "review_mood('Great product!')",
            "review_mood('good')",
            "review_mood('It arrived broken.')",
            "review_mood('not good not bad')",
            "review_mood('I love it, perfect')",
            "review_mood('Poor quality, I want a refund')",
            "review_mood('not great')",
            "review_mood('nice but bad')",
            "review_mood('I do not hate it. Not broken either. Nice.')",
        ],
    },
    {
        "id": "be-train-077",
        "request": "I want a python function that works out the sleep score shown in my sleep "
        "tracking app.",
        "ground_truth": """
            def sleep_score(hours, awakenings, bedtime_hour):
                score = 100
                if hours < 7:
                    score -= round((7 - hours) * 15)
                elif hours > 9:
                    score -= round((hours - 9) * 10)
                score -= 5 * max(awakenings - 1, 0)
                if 2 <= bedtime_hour < 12:
                    score -= 10
                return max(score, 0)
        """,
        "tests": [
            "sleep_score(8, 0, 23)",
            "sleep_score(7, 1, 22)",
            "sleep_score(6, 1, 23)",
            "sleep_score(5.5, 3, 0)",
            "sleep_score(10, 0, 21)",
            "sleep_score(8, 4, 2)",
            "sleep_score(8, 2, 1)",
            "sleep_score(2, 10, 4)",
            "sleep_score(9.5, 1, 11)",
            "sleep_score(6.8, 0, 12)",
        ],
    },
    {
        "id": "be-train-078",
        "request": "Write me a python function that works out the monthly price for a gym "
        "membership.",
        "ground_truth": """
            def gym_price(plan, age, family_members=0, student=False):
                base = {'basic': 25.0, 'premium': 45.0}.get(plan)
                if base is None:
                    return None
                if student or age < 21:
                    base *= 0.8
                elif age >= 65:
                    base *= 0.7
                base += family_members * 15
                return round(base, 2)
        """,
        "tests": [
            "gym_price('basic', 30)",
            "gym_price('premium', 30)",
            "gym_price('basic', 20)",
            "gym_price('basic', 21)",
            "gym_price('premium', 40, 0, True)",
            "gym_price('premium', 65)",
            "gym_price('basic', 64, 2)",
            "gym_price('premium', 70, 1)",
            "gym_price('gold', 30)",
            "gym_price('basic', 19, 3, True)",
        ],
    },
    {
        "id": "be-train-079",
        "request": "Can you write a python function that suggests a lunch order size for the "
        "office based on how many people are in?",
        "ground_truth": """
            def lunch_order(people, vegetarians=0):
                import math

                if people <= 0:
                    return {}
                pizzas = math.ceil(people * 3 / 8)
                veggie = math.ceil(vegetarians * 3 / 8)
                order = {'pizza': pizzas - veggie, 'veggie pizza': veggie}
                order['salad'] = people // 5
                order['drinks'] = people + 2
                return order
        """,
        "tests": [
            "lunch_order(0)",
            "lunch_order(1)",
            "lunch_order(5)",
            "lunch_order(8)",
            "lunch_order(8, 3)",
            "lunch_order(10, 10)",
            "lunch_order(12, 1)",
            "lunch_order(25, 6)",
            "lunch_order(3, 2)",
            "lunch_order(-4)",
        ],
    },
    {
        "id": "be-train-080",
        "request": "I'd like a python function that picks the winner of the raffle at our "
        "school fair from the ticket numbers people bought.",
        "ground_truth": """
            def raffle_winner(tickets, drawn_number):
                best = None
                for name, numbers in sorted(tickets.items()):
                    for number in numbers:
                        distance = abs(number - drawn_number)
                        if distance > 10:
                            continue
                        key = (distance, number < drawn_number)
                        if best is None or key < best[0]:
                            best = (key, name)
                if best is None:
                    return {'winner': None, 'prize': 0}
                prize = 100 if best[0][0] == 0 else 25
                return {'winner': best[1], 'prize': prize}
        """,
        "tests": [
            "raffle_winner({}, 5)",
            "raffle_winner({'Ana': [5]}, 5)",
            "raffle_winner({'Ana': [4], 'Ben': [7]}, 5)",
            "raffle_winner({'Ana': [4], 'Ben': [6]}, 5)",
            "raffle_winner({'Ben': [6], 'Ana': [4]}, 5)",
            "raffle_winner({'Ana': [30]}, 19)",
            "raffle_winner({'Ana': [30]}, 20)",
            "raffle_winner({'Cy': [1, 50, 99], 'Di': [47, 53]}, 50)",
            "raffle_winner({'Cy': [12, 18], 'Di': [14, 16]}, 15)",
            "raffle_winner({'Ed': [100], 'Fay': [89, 111]}, 105)",
        ],
    },
]
