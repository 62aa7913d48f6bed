"""APBDes rule checks with worked numbers (pure: no database)."""

from decimal import Decimal as D

import pytest

from pintu.village_finance.rules import LineFact, check, totals


def inc(code, amount, **kw):
    return LineFact("income", code, D(amount), **kw)


def sp(code, amount, **kw):
    return LineFact("spending", code, D(amount), **kw)


def fin(code, amount, **kw):
    return LineFact("financing", code, D(amount), **kw)


def codes(facts):
    return sorted({f.code for f in check(facts)[1]})


BALANCED = [inc("4.2.1.01", 1_000_000_000), sp("5.2.1.01", 1_000_000_000)]


@pytest.mark.parametrize(
    "facts, expected",
    [
        # income 1,000,000,000 = spending: no finding
        (BALANCED, []),
        # income 1,000,000,000 + SiLPA 100,000,000 − capital 50,000,000 = 1,050,000,000 spending
        (
            [inc("4.2.1.01", 1e9), fin("6.1.1.01", 1e8), fin("6.2.2.01", 5e7), sp("5.2.1.01", 1_050_000_000)],
            [],
        ),
        # one rupiah short: unbalanced
        ([inc("4.2.1.01", 1e9), sp("5.2.1.01", 1_000_000_001)], ["apbdes.balance"]),
        # surplus without financing expenditure: unbalanced
        ([inc("4.2.1.01", 1e9), sp("5.2.1.01", 9e8)], ["apbdes.balance"]),
        # a jenis (3rd level) account is not a leaf
        ([inc("4.2.1.01", 1e9), sp("5.2.1", 1e9, is_leaf=False)], ["apbdes.leaf_account"]),
        # an income account on a spending line
        ([inc("4.2.1.01", 1e9), sp("4.1.1.01", 1e9)], ["apbdes.account_kind"]),
        # nothing to spend
        ([inc("4.2.1.01", 0)], ["apbdes.empty"]),
        # bengkok flag on a non-tanah-kas-desa account
        ([inc("4.2.1.01", 1e9, tanah_bengkok=True), sp("5.2.1.01", 1e9)], ["apbdes.bengkok_account"]),
    ],
)
def test_structure_and_balance(facts, expected):
    assert codes(facts) == expected


@pytest.mark.parametrize(
    "pay, other, bengkok, percent, flagged",
    [
        # 300,000,000 of 1,000,000,000 = 30.00 %: allowed (at most 30 %)
        (300_000_000, 700_000_000, 0, D("30.00"), False),
        # 300,000,001 of 1,000,000,001 = 30.00 % after rounding but over: 300000001*100/1000000001 = 30.0000000699…
        (300_000_001, 700_000_000, 0, D("30.00"), False),
        # 310,000,000 of 1,000,000,000 = 31.00 %: over
        (310_000_000, 690_000_000, 0, D("31.00"), True),
        # with 100,000,000 from tanah bengkok: (400 − 100) / (1,000 − 100) = 33.33 %: over
        (400_000_000, 600_000_000, 100_000_000, D("33.33"), True),
        # with 200,000,000 bengkok: (400 − 200) / (1,000 − 200) = 25.00 %: allowed
        (400_000_000, 600_000_000, 200_000_000, D("25.00"), False),
        # without the bengkok exclusion the same budget would be 40 %
    ],
)
def test_pay_cap_pp_11_2019(pay, other, bengkok, percent, flagged):
    facts = [
        inc("4.2.3.01", pay + other - bengkok),
        sp("5.1.1.01", pay * 0.2, unit="paket"),
        sp("5.1.2.01", pay * 0.5, unit="paket"),
        sp("5.1.4.01", pay - int(pay * 0.2) - int(pay * 0.5), unit="paket"),
        sp("5.2.1.01", other),
    ]
    if bengkok:
        facts.append(inc("4.1.2.01", bengkok, tanah_bengkok=True))
    t, findings = check(facts)
    assert t.pay_percent == percent
    assert ("apbdes.pay_cap" in {f.code for f in findings}) is flagged
    assert all(f.blocks for f in findings if f.code == "apbdes.pay_cap")


def test_jaminan_sosial_and_operational_are_not_pay():
    t = totals([sp("5.1.3.01", 500), sp("5.2.1.01", 500), sp("5.1.1.02", 100)])
    assert t.pay == D(100) and t.spending == D(1100)


@pytest.mark.parametrize(
    "account, position, unit, price, amount, flagged",
    [
        ("5.1.1.01", "head", "OB", 2_426_640, 12 * 2_426_640, False),  # exactly the minimum
        ("5.1.1.01", "head", "OB", 2_426_639, 12 * 2_426_639, True),  # one rupiah under
        ("5.1.2.01", "secretary", "OB", 2_224_420, 12 * 2_224_420, False),
        ("5.1.2.01", "secretary", "OB", 2_200_000, 12 * 2_200_000, True),
        ("5.1.2.01", "staff", "bulan", 2_022_200, 12 * 2_022_200, False),
        ("5.1.2.01", "staff", "OB", 2_000_000, 12 * 2_000_000, True),
        ("5.1.2.01", "", "OB", 2_000_000, 12 * 2_000_000, True),  # unspecified = perangkat
        # secretary at the staff minimum is still under the secretary minimum
        ("5.1.2.01", "secretary", "OB", 2_022_200, 12 * 2_022_200, True),
        # yearly unit: 29,119,680 / 12 = 2,426,640 a month
        ("5.1.1.01", "head", "tahun", 29_119_680, 29_119_680, False),
        ("5.1.1.01", "head", "tahun", 29_000_000, 29_000_000, True),
        # allowances (5.1.1.02) have no minimum
        ("5.1.1.02", "", "OB", 100, 1200, False),
    ],
)
def test_fixed_pay_minimum(account, position, unit, price, amount, flagged):
    facts = [sp(account, amount, unit=unit, unit_price=D(price), pay_position=position)]
    findings = [f for f in check(facts)[1] if f.code == "apbdes.fixed_pay_minimum"]
    assert bool(findings) is flagged
    assert all(not f.blocks for f in findings)  # flagged, not blocking


def test_messages_name_the_rule_and_the_numbers():
    _, findings = check([inc("4.2.1.01", 1_000_000_000), sp("5.2.1.01", 1_000_500_000)])
    (finding,) = findings
    assert "Permendagri 20/2018" in finding.rule
    assert "Rp1.000.000.000" in finding.message and "−Rp500.000" in finding.message
