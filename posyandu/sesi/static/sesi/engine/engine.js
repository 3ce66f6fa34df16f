/*
 * GrowthEngine: the instant growth result of a measurement, computed in the browser (offline),
 * identical to the server's (growthstandards + posyandu/sesi/growth.py measurement_evaluate).
 * Vanilla JS, no dependency, no build step. API: README.md next to this file.
 *
 * Every formula keeps the order of operations of the Python engine (which follows the WHO
 * anthro/anthroplus R code), so the doubles agree to the last bit where the platform's pow
 * agrees, and the rounded z-scores, flags and categories agree exactly.
 * Licence: the project's licence. The WHO tables come from the server (/hari/mesin/tabel.json).
 */
(function (root) {
  "use strict";

  var DEFAULT_TABLES_URL = "/hari/mesin/tabel.json";
  var DEFAULT_RULES_URL = "/hari/mesin/aturan.json";
  var TIE_WINDOW = 1e-6;
  var LARGE = 1e9;

  // ---------------------------------------------------------------- numbers and dates

  function isNum(x) {
    return typeof x === "number" && !isNaN(x);
  }

  /** "9,5" / "9.5" / 9.5 -> 9.5; null/"" -> null; like core.numbers.parse_decimal then
   * float(Decimal). Throws on text that is not a number. */
  function parseDecimal(value) {
    if (value === null || value === undefined) return null;
    if (typeof value === "number") return isNaN(value) ? null : value;
    var text = String(value).trim();
    if (!text) return null;
    if (text.indexOf(",") >= 0 && text.indexOf(".") >= 0) {
      var mark = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
      var group = mark === "," ? "." : ",";
      var at = text.lastIndexOf(mark);
      var whole = text.slice(0, at);
      var fraction = text.slice(at + 1);
      var grouped = group === "." ? /^[+-]?\d{1,3}(?:\.\d{3})+$/ : /^[+-]?\d{1,3}(?:,\d{3})+$/;
      if (!grouped.test(whole) || !/^\d+$/.test(fraction)) throw new Error("not a number: " + value);
      text = whole.split(group).join("") + "." + fraction;
    } else {
      text = text.replace(",", ".");
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw new Error("not a number: " + value);
    return Number(text);
  }

  /** A number of the low-level WHO functions, read like Python's float() of a CSV cell
   * (a decimal comma is accepted too); missing or unreadable -> NaN. */
  function numOrNaN(value) {
    if (value === null || value === undefined) return NaN;
    if (typeof value === "number") return value;
    var text = String(value).trim().replace(",", ".");
    if (!text) return NaN;
    var lower = text.toLowerCase().replace(/^\+/, "");
    if (lower === "inf" || lower === "infinity") return Infinity;
    if (lower === "-inf" || lower === "-infinity") return -Infinity;
    var n = Number(text);
    return isNaN(n) || /^0x/i.test(text) ? NaN : n;
  }

  function nullable(x) {
    return isNum(x) ? x : null;
  }

  /** Round half to even (numpy rint, Python round to an integer). */
  function rint(x) {
    if (!isFinite(x)) return x;
    var f = Math.floor(x);
    var d = x - f; // exact for doubles
    if (d < 0.5) return f;
    if (d > 0.5) return f + 1;
    return f % 2 === 0 ? f : f + 1;
  }

  /** Python's round(x, 2): the exact binary value rounded half-to-even. */
  function pyRound2(x) {
    if (!isFinite(x)) return x;
    var x8 = x * 8; // exact; a tie at 2 decimals is x = n + odd/8 exactly
    if (Number.isInteger(x8) && Math.abs(x8 % 2) === 1) {
      return rint(x * 100) / 100; // x*100 is exact here
    }
    return Number(x.toFixed(2)); // exact decimal rounding (no tie left)
  }

  /** growthstandards.lms.round_z for one value. */
  function roundZ(z) {
    if (isNaN(z)) return NaN;
    var scaled = z * 100;
    var rounded = Math.round(scaled);
    var dist = Math.abs(Math.abs(scaled - rounded) - 0.5);
    if (dist < TIE_WINDOW || Math.abs(scaled) > LARGE) return pyRound2(z) + 0;
    return rounded / 100 + 0; // -0 -> 0
  }

  function flag(rounded, limits) {
    if (isNaN(rounded)) return null;
    return rounded < limits[0] || rounded > limits[1] ? 1 : 0;
  }

  function parseDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text));
    if (!m) throw new Error("not a date (YYYY-MM-DD): " + text);
    return { y: +m[1], m: +m[2], d: +m[3] };
  }

  function dayNumber(text) {
    var p = parseDate(text);
    return Date.UTC(p.y, p.m - 1, p.d) / 86400000;
  }

  /** (b - a) in days, for ISO dates. */
  function daysBetween(a, b) {
    return dayNumber(b) - dayNumber(a);
  }

  /** sasaran.life_stage.completed_months. */
  function completedMonths(birth, on) {
    var b = parseDate(birth);
    var o = parseDate(on);
    var months = (o.y - b.y) * 12 + (o.m - b.m);
    if (o.d < b.d) months -= 1;
    return months;
  }

  function monthIndex(text) {
    var p = parseDate(text);
    return p.y * 12 + (p.m - 1);
  }

  // ---------------------------------------------------------------- LMS arithmetic

  function sdValue(k, l, m, s) {
    return m * Math.pow(1 + l * s * k, 1 / l);
  }

  function zPlain(y, l, m, sl) {
    return (Math.pow(y / m, l) - 1) / sl;
  }

  function zRestricted(y, l, m, s, sl) {
    var z = zPlain(y, l, m, sl === undefined ? s * l : sl);
    if (Math.abs(z) > 3) {
      if (z > 3) {
        var sd3 = sdValue(3, l, m, s);
        var sd23 = sd3 - sdValue(2, l, m, s);
        z = 3 + (y - sd3) / sd23;
      } else if (z < -3) {
        var sd3n = sdValue(-3, l, m, s);
        var sd23n = sdValue(-2, l, m, s) - sd3n;
        z = -3 + (y - sd3n) / sd23n;
      }
    }
    return z;
  }

  // ---------------------------------------------------------------- tables

  function decodeColumn(col, n) {
    var out = new Float64Array(n);
    if (typeof col === "number") {
      out.fill(col);
    } else if (Array.isArray(col)) {
      for (var i = 0; i < n; i++) out[i] = col[i] === null ? NaN : col[i];
    } else {
      var scale = Math.pow(10, col.k); // exact for k <= 22
      var acc = 0;
      for (var j = 0; j < n; j++) {
        acc += col.d[j];
        out[j] = acc / scale;
      }
    }
    return out;
  }

  function Table(spec) {
    this.first = spec.first;
    this.n = spec.n;
    this.restricted = spec.restricted;
    this.sex = [];
    for (var sex = 0; sex < 2; sex++) {
      var l = decodeColumn(typeof spec.l === "number" ? spec.l : spec.l[sex], spec.n);
      var s = decodeColumn(spec.s[sex], spec.n);
      var sl = new Float64Array(spec.n);
      for (var i = 0; i < spec.n; i++) sl[i] = s[i] * l[i];
      this.sex.push({ l: l, m: decodeColumn(spec.m[sex], spec.n), s: s, sl: sl });
    }
  }

  /** {l, m, s, sl} at an integer key, NaN when absent. */
  Table.prototype.at = function (sex, key) {
    var i = key - this.first;
    if (!(sex === 1 || sex === 2) || !(i >= 0 && i < this.n)) {
      return { l: NaN, m: NaN, s: NaN, sl: NaN };
    }
    var c = this.sex[sex - 1];
    return { l: c.l[i], m: c.m[i], s: c.s[i], sl: c.sl[i] };
  };

  // ---------------------------------------------------------------- input codes

  function sexCode(value) {
    if (value === 1 || value === 2) return value;
    var t = String(value === null || value === undefined ? "" : value).trim().toLowerCase();
    if (t === "1" || t === "m" || t === "1.0") return 1;
    if (t === "2" || t === "f" || t === "2.0") return 2;
    return 0;
  }

  function measureCode(value) {
    if (value === 1 || value === 2) return value;
    var t = String(value === null || value === undefined ? "" : value).trim().toLowerCase();
    if (t === "l") return 1;
    if (t === "h") return 2;
    return 0;
  }

  function oedemaFlag(value) {
    if (value === true || value === 1) return true;
    var t = String(value === null || value === undefined ? "" : value).trim().toLowerCase();
    return t === "y" || t === "1" || t === "true";
  }

  function positiveOrNaN(value) {
    var v = numOrNaN(value);
    return v <= 0 || v === Infinity || v === -Infinity ? NaN : v;
  }

  // ---------------------------------------------------------------- the engine

  function Engine(tables, rules) {
    if (!tables || tables.kind !== "who-lms") throw new Error("GrowthEngine: not the WHO tables");
    this.tablesData = tables;
    this.rules = rules || null;
    var w6 = tables.who2006;
    var w7 = tables.who2007;
    this.w6 = w6;
    this.w7 = w7;
    this.t6 = {};
    for (var name in w6.tables) this.t6[name] = new Table(w6.tables[name]);
    this.t7 = {};
    for (var n7 in w7.tables) this.t7[n7] = new Table(w7.tables[n7]);
    this.version = {
      tables: tables.version,
      rules: rules ? rules.version : null,
      mesin_versi: rules ? rules.mesin_versi : null,
    };
  }

  /** WHO 2006 (anthro) for one child; the keys of growthstandards Who2006Result.row. */
  Engine.prototype.who2006 = function (input) {
    var w6 = this.w6;
    var sex = sexCode(input.sex);
    var age = numOrNaN(input.age_days);
    var invalid = [];
    var badAge = age < 0 || age === Infinity || age === -Infinity;
    if (badAge) {
      invalid.push("age_days");
      age = NaN;
    }
    var meas = {};
    ["weight", "lenhei", "headc", "muac", "triskin", "subskin"].forEach(function (f) {
      var raw = numOrNaN(input[f]);
      meas[f] = positiveOrNaN(raw);
      if (isNaN(meas[f]) && !isNaN(raw)) invalid.push(f);
    });
    var measure = measureCode(input.measure);
    var oedema = oedemaFlag(input.oedema);

    var ageMonths = age / w6.days_per_month;
    var ageOk = ageMonths < w6.age_limit_months;
    var hasAge = !isNaN(age);
    var ageR = NaN;
    if (hasAge) {
      ageR = Math.floor(age);
      if (age - ageR >= 0.5) ageR += 1;
    }
    var implausible = measure === 2 && ageMonths < w6.standing_min_months;
    var cmeasure = implausible ? 0 : measure;
    var under2 = ageR < w6.first_height_day;
    var over2 = ageR >= w6.first_height_day;
    var clenhei = meas.lenhei;
    if (under2 && cmeasure === 2) clenhei = clenhei + w6.lenhei_adjust_cm;
    if (over2 && cmeasure === 1) clenhei = clenhei - w6.lenhei_adjust_cm;
    if (clenhei <= 0) {
      clenhei = NaN;
      if (invalid.indexOf("lenhei") < 0) invalid.push("lenhei");
    }
    var weight = meas.weight;
    var t = clenhei / 100;
    var cbmi = weight / (t * t);
    var values = {
      wei: oedema ? NaN : weight,
      len: clenhei,
      bmi: oedema ? NaN : cbmi,
      hc: meas.headc,
      ac: meas.muac,
      ts: meas.triskin,
      ss: meas.subskin,
    };
    var z = {};
    var key = ageOk ? ageR : NaN;
    for (var ind in w6.indicator_table) {
      var table = this.t6[w6.indicator_table[ind]];
      var p = table.at(sex, key);
      var y = values[ind];
      z[ind] = table.restricted ? zRestricted(y, p.l, p.m, p.s, p.sl) : (y / p.m - 1) / p.s;
    }
    z.wfl = badAge ? NaN : this._wfl(sex, hasAge, ageOk, ageR, cmeasure, clenhei, oedema, weight);

    var out = {
      clenhei: nullable(clenhei),
      cmeasure: cmeasure === 1 ? "l" : cmeasure === 2 ? "h" : null,
      c9mo_flag: implausible ? 1 : 0,
      cbmi: nullable(cbmi),
      csex: sex || null,
      invalid: invalid,
    };
    ["len", "wei", "wfl", "bmi", "hc", "ac", "ts", "ss"].forEach(function (i) {
      var zi = i in z ? z[i] : NaN;
      var r = roundZ(zi);
      out["z" + i] = nullable(r);
      out["f" + i] = flag(r, w6.flag_limits[i]);
      out["z" + i + "_unrounded"] = nullable(zi);
    });
    return out;
  };

  Engine.prototype._wfl = function (sex, hasAge, ageOk, ageR, cmeasure, clenhei, oedema, weight) {
    var w6 = this.w6;
    var useH, useL;
    if (hasAge) {
      useH = ageR >= w6.first_height_day;
      useL = ageR < w6.first_height_day;
    } else {
      useH = cmeasure === 2 || (cmeasure === 0 && clenhei >= w6.wfl_table_switch_cm);
      useL = cmeasure === 1 || (cmeasure === 0 && clenhei < w6.wfl_table_switch_cm);
    }
    var valid =
      (useL && clenhei >= 45 && clenhei <= 110) || (useH && clenhei >= 65 && clenhei <= 120);
    valid = valid && !oedema && sex > 0 && (ageOk || !hasAge);
    if (!valid) return NaN;
    var table = useH ? this.t6.wfh : this.t6.wfl;
    var tenths = clenhei * 10;
    var lowKey = Math.trunc(tenths);
    var uppKey = Math.trunc(tenths + 1);
    var diff = (clenhei - lowKey / 10) / 0.1;
    var lo = table.at(sex, lowKey);
    var l = lo.l, m = lo.m, s = lo.s;
    if (diff > 0) {
      var up = table.at(sex, uppKey);
      l = (up.l - lo.l) * diff + lo.l;
      m = (up.m - lo.m) * diff + lo.m;
      s = (up.s - lo.s) * diff + lo.s;
    }
    return zRestricted(weight, l, m, s);
  };

  /** WHO 2007 (anthroplus) for one child aged in months (may be fractional). */
  Engine.prototype.who2007 = function (input) {
    var w7 = this.w7;
    var sex = sexCode(input.sex);
    var ageIn = numOrNaN(input.age_months);
    var age = ageIn < 0 || ageIn === Infinity || ageIn === -Infinity ? NaN : ageIn;
    var h = positiveOrNaN(input.height);
    var w = positiveOrNaN(input.weight);
    var oedema = oedemaFlag(input.oedema);
    var t = h / 100;
    var cbmi = w / (t * t);
    var values = { hfa: h, wfa: oedema ? NaN : w, bfa: oedema ? NaN : cbmi };
    var out = {
      age_in_months: nullable(ageIn),
      csex: sex || null,
      coedema: oedema ? "y" : "n",
      cbmi: nullable(cbmi),
    };
    var low = Math.trunc(age);
    var upp = Math.trunc(age + 1);
    var diff = age - low;
    for (var ind in w7.indicator_table) {
      var valid = age >= w7.first_month && age <= w7.last_month[ind];
      var zi = NaN;
      if (valid) {
        var table = this.t7[w7.indicator_table[ind]];
        var lo = table.at(sex, low);
        var l = lo.l, m = lo.m, s = lo.s;
        if (diff > 0) {
          var up = table.at(sex, upp);
          l = lo.l + diff * (up.l - lo.l);
          m = lo.m + diff * (up.m - lo.m);
          s = lo.s + diff * (up.s - lo.s);
        }
        var y = values[ind];
        zi = ind === "hfa" ? zPlain(y, l, m, s * l) : zRestricted(y, l, m, s);
      }
      var r = roundZ(zi);
      out["z" + ind] = nullable(r);
      out["f" + ind] = flag(r, w7.flag_limits[ind]);
      out["z" + ind + "_unrounded"] = nullable(zi);
    }
    return out;
  };

  /** growthstandards.dispatch.zscores_one: WHO 2006 below 60 months, else WHO 2007. */
  Engine.prototype.zscoresOne = function (input) {
    var ageDays = input.age_days;
    if (!(ageDays >= 0)) throw new Error("age_days must be >= 0");
    var ageMonths = ageDays / this.w6.days_per_month;
    if (ageMonths < this.w6.age_limit_months) {
      var r6 = this.who2006(input);
      r6.reference = "who2006";
      return r6;
    }
    var r7 = this.who2007({
      sex: input.sex,
      age_months: ageMonths,
      height: input.lenhei,
      weight: input.weight,
      oedema: input.oedema,
    });
    r7.reference = "who2007";
    return r7;
  };

  // ---------------------------------------------------------------- the Posyandu result

  Engine.prototype._needRules = function () {
    if (!this.rules || this.rules.kind !== "growth-rules") {
      throw new Error("GrowthEngine: the rule data (aturan.json) is not loaded");
    }
    return this.rules;
  };

  /** sesi.growth.compute_zscores: {} when no reference applies, else the Z_FIELDS. */
  Engine.prototype.computeZscores = function (sex, ageDays, v) {
    var R = this._needRules();
    if (ageDays < 0 || ageDays / this.w6.days_per_month > R.max_engine_age_months) return null;
    var out = this.zscoresOne({
      sex: sex === "L" ? 1 : 2,
      age_days: ageDays,
      weight: v.berat_kg,
      lenhei: v.tinggi_cm,
      measure: R.cara_ukur_who[v.cara_ukur] || "",
      headc: v.lingkar_kepala_cm,
      muac: v.lila_cm,
      oedema: !!v.edema,
    });
    if (out.reference === "who2007") {
      var mapped = {};
      for (var k in out) mapped[R.who2007_keys[k] || k] = out[k];
      out = mapped;
    }
    var z = {};
    R.z_fields.forEach(function (key) {
      var val = key in out ? out[key] : null;
      z[key] = key.charAt(0) === "f" && val !== null && val !== undefined ? !!val : val === undefined ? null : val;
    });
    return z;
  };

  function contains(cat, z) {
    if (cat.lower !== null && (z < cat.lower || (z === cat.lower && !cat.lower_inclusive))) {
      return false;
    }
    return cat.upper === null || z < cat.upper || (z === cat.upper && cat.upper_inclusive);
  }

  /** growthstandards.classify: the category code of one rounded z (null if missing). */
  Engine.prototype.classify = function (index, z) {
    if (z === null || z === undefined || isNaN(z)) return null;
    var cats = this._needRules().permenkes.indices[index].categories;
    for (var i = 0; i < cats.length; i++) if (contains(cats[i], z)) return cats[i];
    throw new Error("categories of " + index + " leave a gap at z=" + z);
  };

  Engine.prototype.isBalita = function (months) {
    var b = this._needRules().balita_months;
    return months >= b[0] && (b[1] === null || months <= b[1]);
  };

  /** sesi.growth.categories_of. */
  Engine.prototype.categoriesOf = function (z, ageMonths) {
    var R = this._needRules();
    var indices = this.isBalita(ageMonths) ? R.indices_0_5 : R.indices_5_18;
    var out = {};
    for (var index in indices) {
      var cat = z ? this.classify(index, z[indices[index]]) : null;
      if (cat) out[index] = cat.code;
    }
    return out;
  };

  /** sesi.danger.clean_codes: known codes in the data file's order, each once. */
  Engine.prototype.cleanDangerCodes = function (codes) {
    var groups = this._needRules().tanda_bahaya.groups;
    var order = [];
    for (var g in groups) groups[g].forEach(function (s) { order.push(s.code); });
    var unknown = (codes || []).filter(function (c) { return order.indexOf(c) < 0; });
    if (unknown.length) throw new Error("Tanda bahaya tidak dikenal: " + unknown.join(", "));
    return order.filter(function (c) { return (codes || []).indexOf(c) >= 0; });
  };

  function prevValue(p, name, alias) {
    var v = p[name] !== undefined ? p[name] : p[alias];
    return v === undefined || v === "" ? null : v;
  }

  /** The other measurements as the server reads them (voided ones left out), newest first:
   * ordered by (tanggal, seq or position) descending, like order_by("-tanggal", "-id"). */
  function normalisePrevious(list) {
    var rows = [];
    (list || []).forEach(function (p, i) {
      if (!p || p.voided || p.deleted) return;
      var berat = prevValue(p, "berat_kg", "berat");
      var tinggi = prevValue(p, "tinggi_cm", "tinggi");
      rows.push({
        src: p,
        tanggal: String(p.tanggal).slice(0, 10),
        day: dayNumber(p.tanggal),
        berat_kg: berat === null ? null : parseDecimal(berat),
        tinggi_cm: tinggi === null ? null : parseDecimal(tinggi),
        cara_ukur: p.cara_ukur || "",
        status_bb: prevValue(p, "status_bb", "nt") || "",
        order: typeof p.seq === "number" ? p.seq : i,
      });
    });
    rows.sort(function (a, b) { return b.day - a.day || b.order - a.order; });
    return rows;
  }

  /** sesi.growth.previous_weighings: [prev month's last weighing, weighed before, last]. */
  function previousWeighings(rows, tanggal) {
    var thisMonth = monthIndex(tanggal);
    var today = dayNumber(tanggal);
    var prev = null, before = false, last = null;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var mi = monthIndex(r.tanggal);
      if (r.berat_kg !== null) {
        if (mi === thisMonth - 1 && prev === null) prev = r;
        if (mi < thisMonth) before = true;
      }
      if (r.day < today && last === null) last = r;
    }
    return [prev, before || prev !== null, last];
  }

  /** sesi.plausibility.implausible_reasons. */
  Engine.prototype.implausibleReasons = function (tanggal, berat, tinggi, caraUkur, z, last) {
    var R = this._needRules();
    var P = R.plausibility;
    var reasons = [];
    R.who_flags.forEach(function (f) {
      if (z && z[f]) reasons.push("who_flag:" + f);
    });
    if (!last) return reasons;
    var days = daysBetween(last.tanggal, tanggal);
    if (!(days > 0 && days <= P.window_days)) return reasons;
    var months = Math.max(days / this.w6.days_per_month, 1.0);
    var rules = P.rules;
    if (berat !== null && last.berat_kg !== null) {
      var b0 = last.berat_kg, b1 = berat;
      if (b1 < b0 * (1 - rules.bb_turun.max_loss_pct / 100)) reasons.push("bb_turun");
      if (b1 - b0 > rules.bb_naik.max_gain_kg_per_month * months) reasons.push("bb_naik");
    }
    if (tinggi !== null && last.tinggi_cm !== null) {
      var lying = function (cm, cara) {
        return cara === "berdiri" ? cm + R.standing_to_lying_cm : cm;
      };
      var t0 = lying(last.tinggi_cm, last.cara_ukur);
      var t1 = lying(tinggi, caraUkur);
      if (t0 - t1 > rules.pb_turun.max_loss_cm) reasons.push("pb_turun");
      if (t1 - t0 > rules.pb_naik.max_gain_cm_per_month * months) reasons.push("pb_naik");
    }
    return reasons;
  };

  /** The instant result of one measurement (sesi.growth.measurement_evaluate). */
  Engine.prototype.evaluate = function (input) {
    var R = this._needRules();
    var person = input.person || {};
    var tanggal = String(input.tanggal).slice(0, 10);
    var birth = String(person.tanggal_lahir).slice(0, 10);
    var v = {
      berat_kg: parseDecimal(input.berat_kg),
      tinggi_cm: parseDecimal(input.tinggi_cm),
      cara_ukur: input.cara_ukur || "",
      lingkar_kepala_cm: parseDecimal(input.lingkar_kepala_cm),
      lila_cm: parseDecimal(input.lila_cm),
      edema: !!input.edema,
    };
    var tanda = this.cleanDangerCodes(input.tanda_bahaya);
    var ageDays = daysBetween(birth, tanggal);
    var ageMonths = completedMonths(birth, tanggal);
    var z = this.computeZscores(person.jenis_kelamin, ageDays, v);
    var res = { umur_hari: ageDays, umur_bulan: ageMonths };
    R.z_fields.forEach(function (key) {
      res[key] = z ? z[key] : null;
    });
    res.kategori = this.categoriesOf(z, ageMonths);
    res.mesin_versi = z ? R.mesin_versi : "";
    res.tanda_bahaya = tanda;
    res.tanda_bahaya_versi = tanda.length ? R.tanda_bahaya_stamp : "";

    var pw = previousWeighings(normalisePrevious(input.previous), tanggal);
    var prev = pw[0], before = pw[1], last = pw[2];
    res.status_bb = "";
    res.kbm_g = null;
    res.is_2t = false;
    if (v.berat_kg !== null && ageMonths >= 0 && ageMonths <= R.max_kbm_age_months) {
      var kbm = R.kbm.grams[ageMonths];
      var status;
      if (!before) status = "B";
      else if (prev === null) status = "O";
      else status = rint((v.berat_kg - prev.berat_kg) * 1000) >= kbm ? "N" : "T";
      res.status_bb = status;
      res.kbm_g = kbm;
      res.is_2t = status === "T" && prev !== null && prev.status_bb === "T";
    }
    res.gain_g =
      v.berat_kg !== null && prev !== null && prev.berat_kg !== null
        ? rint((v.berat_kg - prev.berat_kg) * 1000)
        : null;
    res.previous = prev ? prev.src : null;

    var reasons =
      z || ageMonths <= R.max_kbm_age_months // (sic: the server's condition)
        ? this.implausibleReasons(tanggal, v.berat_kg, v.tinggi_cm, v.cara_ukur, z, last)
        : [];
    res.perlu_cek_ulang = reasons.length > 0;
    res.alasan_cek_ulang = reasons;

    // sesi.growth.referral_codes
    var codes = [];
    if (this.isBalita(ageMonths)) {
      var W = R.weight_gain;
      if (res.is_2t) codes.push(W.referral_2t);
      if (res.zwei !== null && res.zwei < W.severe_underweight_z) {
        codes.push(W.referral_severe_underweight);
      }
      if (res.kategori.bb_pb_tb === R.gizi_buruk || v.edema) codes.push(R.gizi_buruk);
    }
    if (input.danger_signs || tanda.length) codes.push(R.tanda_bahaya_referral);
    res.rujukan_disarankan = codes;
    var urgent = R.rujukan.ke_puskesmas;
    res.tujuan_rujukan = codes.some(function (c) { return urgent.indexOf(c) >= 0; })
      ? "puskesmas"
      : "pustu";
    return res;
  };

  // ---------------------------------------------------------------- words for the card

  function langOf(lang) {
    return lang && String(lang).slice(0, 2) === "en" ? "en" : "id";
  }

  /** sesi.plausibility.label. */
  Engine.prototype.reasonLabel = function (code) {
    var R = this._needRules();
    var parts = code.split(":");
    var rule = R.plausibility.rules[parts[0]];
    if (!rule) return code;
    var index = R.flag_index[parts.slice(1).join(":")];
    return index ? rule.label_id + ": " + index : rule.label_id;
  };

  Engine.prototype.dangerLabel = function (code, lang) {
    var groups = this._needRules().tanda_bahaya.groups;
    for (var g in groups) {
      for (var i = 0; i < groups[g].length; i++) {
        if (groups[g][i].code === code) return groups[g][i]["label_" + langOf(lang)];
      }
    }
    return code;
  };

  Engine.prototype.referralLabel = function (code, lang) {
    var labels = this._needRules().rujukan.labels[code];
    return labels ? labels[langOf(lang)] : code;
  };

  /** What the result card shows (sesi.views._result_view). */
  Engine.prototype.view = function (result, lang) {
    var R = this._needRules();
    var self = this;
    var rows = [];
    var zOf = { bb_u: "zwei", pb_tb_u: "zlen", bb_pb_tb: "zwfl", lk_u: "zhc" };
    for (var index in result.kategori || {}) {
      var code = result.kategori[index];
      var cats = R.permenkes.indices[index].categories;
      var cat = null;
      for (var i = 0; i < cats.length; i++) if (cats[i].code === code) cat = cats[i];
      var zkey = index.indexOf("imt") === 0 ? "zbmi" : zOf[index];
      var z = zkey ? result[zkey] : null;
      var f = zkey ? result["f" + zkey.slice(1)] : null;
      rows.push({
        index: R.permenkes.indices[index].label_id,
        z: z === undefined ? null : z,
        label: cat ? cat.label_id : code,
        code: code,
        flagged: !!f,
      });
    }
    return {
      rows: rows,
      cek_ulang: (result.alasan_cek_ulang || []).map(function (c) { return self.reasonLabel(c); }),
      referral: (result.rujukan_disarankan || []).map(function (c) {
        return [c, self.referralLabel(c, lang)];
      }),
      tanda_bahaya: (result.tanda_bahaya || []).map(function (c) { return self.dangerLabel(c, lang); }),
      referral_codes: (result.rujukan_disarankan || []).join(","),
    };
  };

  // ---------------------------------------------------------------- hard limits

  function decimalsOf(text) {
    var s = String(text);
    if (s.indexOf(".") < 0) return 0;
    return s.replace(/0+$/, "").split(".")[1].length;
  }

  /** core.numbers.format_decimal with the number's own decimals ("9,5" in Indonesian). */
  function formatNumber(value, lang) {
    var places = decimalsOf(String(value));
    var parts = Number(value).toFixed(places).split(".");
    var sep = lang === "id" ? "." : ",";
    var neg = parts[0].charAt(0) === "-";
    var digits = neg ? parts[0].slice(1) : parts[0];
    var grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    var out = (neg ? "-" : "") + grouped;
    if (places > 0) out += (lang === "id" ? "," : ".") + parts[1];
    return out;
  }

  /** sesi.limits.limit_for: {min, max} of a field at an age (completed months) and sex. */
  Engine.prototype.limitFor = function (field, months, sex) {
    var found = {};
    this._needRules().batas_mutlak.limits.forEach(function (row) {
      if (row.field !== field || months < row.umur_bulan[0]) return;
      if (row.umur_bulan[1] !== null && months > row.umur_bulan[1]) return;
      var rs = row.jenis_kelamin;
      if (rs !== null && rs !== undefined && rs !== sex) return;
      found[rs !== null && rs !== undefined] = row;
    });
    return found["true"] || found["false"] || null;
  };

  /** sesi.limits.hard_limit_errors: {field: message} for values that cannot be true. */
  Engine.prototype.hardLimitErrors = function (values, months, sex, lang) {
    var R = this._needRules();
    var L = langOf(lang);
    var errors = {};
    var self = this;
    Object.keys(R.batas_mutlak.fields).forEach(function (field) {
      var raw = values[field];
      if (raw === null || raw === undefined || raw === "") return;
      var value = parseDecimal(raw);
      var limit = self.limitFor(field, months, sex);
      if (!limit || (limit.min <= value && value <= limit.max)) return;
      var meta = R.batas_mutlak.fields[field];
      var ml = R.months_label[L];
      var age = months < 60
        ? ml.months.replace("{n}", String(Math.max(months, 0)))
        : ml.years.replace("{n}", String(Math.floor(months / 12)));
      var a = {
        label: meta["label_" + L],
        value: formatNumber(String(value), L),
        unit: meta.unit,
        age: age,
        low: formatNumber(String(limit.min), L),
        high: formatNumber(String(limit.max), L),
      };
      errors[field] = L === "id"
        ? a.label + " " + a.value + " " + a.unit + " tidak mungkin pada umur " + a.age +
          ". Isi nilai antara " + a.low + " dan " + a.high + " " + a.unit +
          "; periksa ketikan atau ukur ulang."
        : a.label + " " + a.value + " " + a.unit + " cannot be right at " + a.age +
          ". Enter a value between " + a.low + " and " + a.high + " " + a.unit +
          "; check the typing or measure again.";
    });
    return errors;
  };

  // ---------------------------------------------------------------- loading

  function create(tables, rules) {
    return new Engine(tables, rules);
  }

  function load(options) {
    options = options || {};
    var f = options.fetch || root.fetch.bind(root);
    var get = function (url) {
      return f(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("GrowthEngine: " + url + " answered " + r.status);
        return r.json();
      });
    };
    return Promise.all([
      get(options.tablesUrl || DEFAULT_TABLES_URL),
      get(options.rulesUrl || DEFAULT_RULES_URL),
    ]).then(function (docs) {
      return create(docs[0], docs[1]);
    });
  }

  var api = {
    load: load,
    create: create,
    Engine: Engine,
    DEFAULT_TABLES_URL: DEFAULT_TABLES_URL,
    DEFAULT_RULES_URL: DEFAULT_RULES_URL,
    parseDecimal: parseDecimal,
    roundZ: roundZ,
    rint: rint,
    completedMonths: completedMonths,
    daysBetween: daysBetween,
  };
  root.GrowthEngine = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : typeof self !== "undefined" ? self : this);
