"""The key expansion's 25 mixing routines as plain Python (GENERATED: do not edit).

Written by ``tools/gen_expansion.py`` from the program data in ``expansion_program.py``; change
the data and regenerate (a test checks this file is current). ``k`` is the list of 20 key words,
``v`` the routine's running value, ``sel`` its selector; every operation that can leave 32 bits
(``+ - * <<`` and unary minus) is reduced with ``& MASK``, as the C translation wraps by itself.
``routine_0`` is the entry point, run on 20 copies of the seed with ``v`` = the seed.
"""

from __future__ import annotations

from typing import Final

from .expansion_tables import ISQRT1, NEG_COS, NEG_SIN

MASK: Final = 0xFFFFFFFF
KEY_WORDS: Final = 20


def rotl(x: int, r: int) -> int:
    """Rotate the 32-bit word ``x`` left by ``r mod 32``."""
    r &= 31
    return ((x << r) | (x >> (32 - r))) & MASK


def rotr(x: int, r: int) -> int:
    """Rotate the 32-bit word ``x`` right by ``r mod 32``."""
    r &= 31
    return ((x >> r) | (x << (32 - r))) & MASK


def routine_0(k: list[int], v: int) -> None:
    sel = v & 15
    if sel == 4:
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_1(k, k[2])
    if sel == 8:
        k[13] |= 0x1510A109 if NEG_COS[0x767255F0 & 0xFF] else k[14]
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        routine_2(k, v)
    k[12] = (k[12] - ((28 * k[19]) & MASK)) & MASK
    if sel == 1:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_3(k, k[16])
    if sel == 6:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[13] ^= 0x258A329D if (0x258A329D < 0x2E0AF4F7) else k[15]
        routine_4(k, k[16])
    if sel == 14:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        routine_5(k, v)
    k[15] ^= (45 * k[9]) & MASK
    if sel == 0:
        k[5] = (k[5] + (k[11] | 0xEA02A83)) & MASK
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        routine_6(k, k[12])
    if sel == 9:
        k[11] ^= k[15] | 0x11273409
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        routine_7(k, k[19])
    k[18] ^= (0x327BAFFB * k[2]) & MASK
    if sel == 7:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_8(k, k[8])
    if sel == 13:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[0] = rotl(k[0], (0xA1C70157 >> 17) & 31)
        routine_9(k, v)
    if sel == 3:
        k[13] |= 0x1510A109 if NEG_COS[0x5947B4C0 & 0xFF] else k[14]
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        routine_10(k, k[12])
    k[13] = (k[13] * ISQRT1[v & 0xFF]) & MASK
    if sel == 15:
        k[5] = (k[5] * rotl(0x59BBBCF2, 3)) & MASK
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        routine_11(k, k[8])
    if sel == 2:
        k[17] ^= 0xB00FB3F3
        k[4] ^= (17 * k[0]) & MASK
        routine_12(k, k[3])
    v &= k[19] ^ 0x22BD05B7
    if sel == 0:
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        routine_1(k, v)
    if sel == 6:
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        routine_2(k, k[6])
    if sel == 3:
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        routine_3(k, k[0])
    k[1] ^= k[15] & 0x1ED68333
    if sel == 11:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[10] = rotl(k[10], (0x8FD14B43 - 6) & MASK)
        if k[10] & 1:
            return
        routine_4(k, v)
    if sel == 7:
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0x173A48D4 & 0xFF] else k[7])) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_5(k, k[6])
    if sel == 9:
        k[2] ^= (k[15] + 0x57CE331) & MASK
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_6(k, v)
    k[12] ^= (v - 0x7F670F2F) & MASK
    if sel == 12:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        routine_7(k, v)
    if sel == 10:
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        k[7] = (k[7] + 0x62E34BC8) & MASK
        routine_8(k, k[4])
    k[3] = rotr(k[3], (k[10] * 4) & MASK)
    if sel == 5:
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        routine_9(k, k[4])
    if sel == 10:
        k[13] ^= 0x224B5A8A if (0x224B5A8A < 0x2E0AF4F7) else k[15]
        k[7] = (k[7] - 0xE729AFE3) & MASK
        routine_10(k, k[5])
    if sel == 8:
        k[10] = rotl(k[10], (0x7B403A3E - 6) & MASK)
        if k[10] & 1:
            return
        k[13] ^= 0x2606748C if (0x2606748C < 0x2E0AF4F7) else k[15]
        routine_11(k, v)
    v = (v * (0x72E979C7 ^ k[7])) & MASK
    if sel == 1:
        k[13] ^= 0x3F541FC9 if (0x3F541FC9 < 0x2E0AF4F7) else k[15]
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        routine_12(k, k[6])
    if sel == 4:
        k[17] ^= 0xDB079C63
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_1(k, k[13])
    k[15] ^= ISQRT1[k[15] & 0xFF]
    if sel == 5:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        routine_2(k, k[1])
    if sel == 2:
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_3(k, k[17])
    k[9] = (k[9] - rotl(k[18], 15)) & MASK


def routine_1(k: list[int], v: int) -> None:
    sel = ((k[13] ^ k[12]) ^ k[8]) % 14
    if sel == 0:
        if k[5] & 1:
            return
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        routine_13(k, k[10])
    k[10] = (k[10] * ((87 * k[9]) & MASK)) & MASK
    if sel == 13:
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x2F378459 & 0xFF] else k[10])) & MASK
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        routine_14(k, k[15])
    if sel == 11:
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        routine_15(k, k[7])
    v = (v * ((k[13] - 0x1B6664FC) & MASK)) & MASK
    if sel == 10:
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_16(k, k[7])
    k[19] = rotr(k[19], ISQRT1[k[18] & 0xFF])
    if sel == 4:
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x55CE2E77 & 0xFF] else k[10])) & MASK
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        routine_17(k, v)
    if sel == 2:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[13] |= 0x1510A109 if NEG_COS[0xEEDD2781 & 0xFF] else k[14]
        routine_18(k, k[19])
    k[17] = (k[17] + ISQRT1[k[3] & 0xFF]) & MASK
    if sel == 12:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        routine_19(k, k[4])
    k[2] = (k[2] * ((v + 0x3D4CFA4F) & MASK)) & MASK
    if sel == 9:
        k[16] ^= k[18] if (k[18] < 0xE87F32) else k[11]
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        routine_20(k, v)
    if sel == 1:
        k[7] = (k[7] + 0x505E90D8) & MASK
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x13951A5E & 0xFF] else k[5])) & MASK
        routine_21(k, k[6])
    k[12] = (k[12] * ((79 * k[6]) & MASK)) & MASK
    if sel == 6:
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        k[13] |= 0x1510A109 if NEG_COS[0x6F001987 & 0xFF] else k[14]
        routine_22(k, k[17])
    k[3] &= 0x4C35C59A if NEG_SIN[k[17] & 0xFF] else v
    if sel == 3:
        k[11] |= (k[4] - 0x224114CD) & MASK
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_23(k, k[11])
    if sel == 5:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xE2AEC47F & 0xFF] else k[5])) & MASK
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        routine_24(k, v)
    k[10] = rotl(k[10], (25 * k[16]) & MASK)
    if sel == 0:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        routine_13(k, v)
    k[15] = (k[15] + ((0xC7308059 - k[10]) & MASK)) & MASK
    if sel == 8:
        k[11] &= 0x45AE0A86
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_14(k, v)
    if sel == 7:
        k[16] ^= k[18] if (k[18] < 0xE87F32) else k[11]
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        routine_15(k, k[12])
    k[1] ^= v & 0xF42F3BCF


def routine_2(k: list[int], v: int) -> None:
    sel = k[4] % 15
    if sel == 5:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_14(k, k[9])
    k[1] = (k[1] + rotl(v, 4)) & MASK
    if sel == 9:
        k[19] &= 0xB0AB0E55
        k[13] |= 0x1510A109 if NEG_COS[0x1A8398B1 & 0xFF] else k[14]
        routine_15(k, k[19])
    k[5] ^= 0x39C770C4 & k[2]
    if sel == 0:
        k[9] = rotl(k[9], 11)
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        routine_16(k, k[14])
    if sel == 1:
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        routine_17(k, k[7])
    v = (v - rotl(v, 1)) & MASK
    if sel == 13:
        k[18] = (k[18] - ((122 * k[6]) & MASK)) & MASK
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_18(k, k[9])
    if sel == 8:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        routine_19(k, k[17])
    v = (v + ((k[17] + 0x25FB77C1) & MASK)) & MASK
    if sel == 14:
        k[11] &= 0x94909EA
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_20(k, k[7])
    k[4] = (k[4] * (0x336C9268 if NEG_COS[k[19] & 0xFF] else k[4])) & MASK
    if sel == 11:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        routine_21(k, v)
    k[17] = (k[17] * ISQRT1[v & 0xFF]) & MASK
    if sel == 2:
        k[9] = rotl(k[9], 17)
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        routine_22(k, k[12])
    if sel == 7:
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        routine_23(k, k[14])
    k[5] = (k[5] + ISQRT1[k[0] & 0xFF]) & MASK
    if sel == 4:
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        routine_24(k, k[13])
    k[14] ^= rotr(k[18], 20)
    if sel == 3:
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_1(k, k[15])
    if sel == 0:
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        k[19] &= 0xA14E4231
        routine_14(k, k[5])
    k[10] = (k[10] * ((34 * k[19]) & MASK)) & MASK
    if sel == 6:
        k[15] = (k[15] - (0x344432F if NEG_COS[0xA7E8E811 & 0xFF] else k[18])) & MASK
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        routine_15(k, v)
    if sel == 10:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[13] ^= 0x27546CBA if (0x27546CBA < 0x2E0AF4F7) else k[15]
        routine_16(k, k[16])
    v |= (21 * k[10]) & MASK
    if sel == 12:
        k[7] ^= ISQRT1[k[15] & 0xFF]
        k[10] = rotl(k[10], (0xE8357BC6 - 6) & MASK)
        if k[10] & 1:
            return
        routine_17(k, k[8])
    k[17] &= 0x24D1E601 if NEG_SIN[v & 0xFF] else k[17]


def routine_3(k: list[int], v: int) -> None:
    sel = ((k[2] ^ k[11]) ^ k[19]) & 15
    if sel == 7:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_15(k, k[7])
    v = rotl(v, (20 * k[15]) & MASK)
    if sel == 2:
        k[11] &= 0x159A2134
        k[13] |= 0x1510A109 if NEG_COS[0x855DE620 & 0xFF] else k[14]
        routine_16(k, k[2])
    if sel == 13:
        k[13] |= 0x1510A109 if NEG_COS[0xC4146E71 & 0xFF] else k[14]
        k[7] = (k[7] - 0x3F3F6FFB) & MASK
        routine_17(k, v)
    k[13] = (k[13] + (k[18] & 0x2581026D)) & MASK
    if sel == 11:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_18(k, v)
    k[1] &= v & 0x64BB010
    if sel == 5:
        k[10] = rotr(k[10], (k[14] + 6) & MASK)
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        routine_19(k, k[13])
    if sel == 3:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[19] &= 0x7EC9C31F
        routine_20(k, v)
    k[10] |= (67 * k[13]) & MASK
    if sel == 8:
        k[6] = (k[6] + (0xDFDC4A68 if (0xDFDC4A68 < 0x61F0BAA) else k[16])) & MASK
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        routine_21(k, k[5])
    k[9] = (k[9] + ((0xAA213313 * v) & MASK)) & MASK
    if sel == 0:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[15] = (k[15] - (0x344432F if NEG_COS[0x16E7FB2A & 0xFF] else k[18])) & MASK
        routine_22(k, v)
    if sel == 15:
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        k[1] ^= rotl(0x6D43A2A8, 8)
        routine_23(k, v)
    k[14] |= ISQRT1[k[12] & 0xFF]
    if sel == 12:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xE5FB063D & 0xFF] else k[5])) & MASK
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        routine_24(k, v)
    if sel == 10:
        k[5] = (k[5] + (k[11] | 0xEA02A83)) & MASK
        k[4] ^= (17 * k[0]) & MASK
        routine_1(k, k[4])
    v = ((107 * k[1]) & MASK) ^ v
    if sel == 1:
        k[7] = (k[7] + 0x357B0AC2) & MASK
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        routine_2(k, k[1])
    k[9] = rotr(k[9], 26 if NEG_SIN[k[16] & 0xFF] else k[12])
    if sel == 4:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_15(k, k[7])
    if sel == 0:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        routine_16(k, v)
    k[13] = (k[13] * (k[18] ^ 0x1D347B67)) & MASK
    if sel == 6:
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0xAC2CA8C4 & 0xFF] else k[7])) & MASK
        k[6] = (k[6] + (0xFF8CF458 if (0xFF8CF458 < 0x61F0BAA) else k[16])) & MASK
        routine_17(k, k[6])
    k[2] = k[2] if NEG_SIN[k[0] & 0xFF] else rotr(k[2], k[0])
    if sel == 14:
        k[4] ^= (17 * k[0]) & MASK
        k[10] = rotl(k[10], (0x52041287 - 6) & MASK)
        if k[10] & 1:
            return
        routine_18(k, k[7])
    if sel == 9:
        k[7] = (k[7] - 0xBF896FA3) & MASK
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        routine_19(k, k[3])


def routine_4(k: list[int], v: int) -> None:
    sel = v & 15
    if sel == 10:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[19] &= 0x590CCB85
        routine_16(k, k[7])
    k[10] ^= v if (v < 0x3D18A13) else k[9]
    if sel == 6:
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        routine_17(k, k[17])
    if sel == 14:
        k[15] = (k[15] - (0x344432F if NEG_COS[0xA6F86E90 & 0xFF] else k[18])) & MASK
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        routine_18(k, k[17])
    v = (v - (k[10] & 0x16926664)) & MASK
    if sel == 0:
        k[5] = (k[5] * rotl(0x95AAFBC8, 3)) & MASK
        k[11] ^= k[15] | 0x11273409
        routine_19(k, k[7])
    if sel == 11:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        routine_20(k, k[6])
    k[6] ^= (k[7] - 0xD669F4D) & MASK
    if sel == 1:
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        routine_21(k, k[7])
    k[1] ^= rotr(k[15], 14)
    if sel == 5:
        k[4] ^= (17 * k[0]) & MASK
        k[17] ^= (0x2F961 * k[4]) & MASK
        routine_22(k, v)
    if sel == 4:
        k[13] |= 0x1510A109 if NEG_COS[0x8EEA1FE3 & 0xFF] else k[14]
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        routine_23(k, k[13])
    v = rotr(v, 25 & k[5])
    if sel == 2:
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[17] ^= 0x34C48CA3
        routine_24(k, k[9])
    if sel == 3:
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        k[15] = (k[15] - (0x344432F if NEG_COS[0x104BE7AE & 0xFF] else k[18])) & MASK
        routine_1(k, k[9])
    k[3] = (k[3] * ISQRT1[v & 0xFF]) & MASK
    if sel == 0:
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        k[1] ^= rotl(0x507DA30D, 8)
        routine_2(k, k[2])
    k[16] = (k[16] - ISQRT1[v & 0xFF]) & MASK
    if sel == 13:
        k[7] = (k[7] - 0x3FCB3FA3) & MASK
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xD0D9B11D & 0xFF] else k[5])) & MASK
        routine_3(k, k[4])
    if sel == 7:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[7] = (k[7] + 0x6E4473BD) & MASK
        routine_16(k, k[19])
    v = (v + ((0x720E12F5 + k[5]) & MASK)) & MASK
    if sel == 15:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_17(k, k[1])
    if sel == 9:
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        routine_18(k, k[10])
    k[1] ^= v if (v < 0x585C6D88) else k[13]
    if sel == 12:
        k[11] |= (k[4] - 0x224114CD) & MASK
        if k[5] & 1:
            return
        routine_19(k, k[14])
    if sel == 8:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        routine_20(k, k[11])
    v |= (k[13] + 0x38D39E93) & MASK
    if sel == 1:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        routine_21(k, k[8])
    k[19] ^= (k[9] + 0x23280350) & MASK


def routine_5(k: list[int], v: int) -> None:
    sel = k[13] & 15
    if sel == 1:
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        routine_17(k, v)
    v = (v + ((0xCB72BB0E + k[10]) & MASK)) & MASK
    if sel == 0:
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_18(k, k[0])
    if sel == 5:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[17] ^= 0xEFE4F823
        routine_19(k, k[3])
    k[7] = (k[7] + ((0x72A1B49 - k[6]) & MASK)) & MASK
    if sel == 1:
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        k[17] ^= (0x2F961 * k[4]) & MASK
        routine_20(k, k[15])
    if sel == 4:
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x391FA13E & 0xFF] else k[5])) & MASK
        routine_21(k, v)
    k[17] = (k[17] + (0xD1C5DCA if NEG_COS[k[16] & 0xFF] else k[10])) & MASK
    if sel == 11:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        routine_22(k, k[5])
    if sel == 14:
        k[9] = rotl(k[9], 28)
        k[7] = (k[7] + 0x5BAAA0D8) & MASK
        routine_23(k, k[3])
    v = (v + (0xA4631CA4 & k[0])) & MASK
    if sel == 10:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        routine_24(k, k[6])
    if sel == 3:
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_1(k, k[11])
    k[18] = rotl(k[18], ISQRT1[k[13] & 0xFF])
    if sel == 2:
        k[10] = rotl(k[10], (0x255DB12E - 6) & MASK)
        if k[10] & 1:
            return
        k[12] = rotr(k[12], k[18] ^ 9)
        routine_2(k, k[19])
    v = (v + (k[12] & 0x3EB958F)) & MASK
    if sel == 13:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        routine_3(k, k[19])
    if sel == 2:
        k[11] ^= k[15] | 0x11273409
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0xFD54B81D & 0xFF] else k[7])) & MASK
        routine_4(k, v)
    k[10] = (k[10] * ((61 * v) & MASK)) & MASK
    if sel == 15:
        k[17] ^= (0x2F961 * k[4]) & MASK
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        routine_17(k, k[9])
    if sel == 0:
        k[11] |= (k[4] - 0x224114CD) & MASK
        k[11] ^= k[15] | 0x11273409
        routine_18(k, k[17])
    v = rotl(v, k[16])
    if sel == 9:
        k[13] |= 0x1510A109 if NEG_COS[0xD59BE521 & 0xFF] else k[14]
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x59621E0F & 0xFF] else k[10])) & MASK
        routine_19(k, k[6])
    if sel == 7:
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        k[19] &= 0x935A86BD
        routine_20(k, k[4])
    k[16] = (k[16] - (k[5] if (k[5] < 0x4DEA623B) else k[2])) & MASK
    if sel == 8:
        k[17] ^= 0xAC1EA487
        k[13] |= 0x1510A109 if NEG_COS[0x99B3E5F0 & 0xFF] else k[14]
        routine_21(k, k[10])
    if sel == 6:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[18] = (k[18] - ((122 * k[6]) & MASK)) & MASK
        routine_22(k, k[11])
    k[14] = rotr(k[14], 27 if NEG_SIN[k[19] & 0xFF] else k[5])
    if sel == 12:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_23(k, k[12])


def routine_6(k: list[int], v: int) -> None:
    sel = ((k[11] ^ k[6]) ^ k[4]) & 15
    if sel == 2:
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        routine_18(k, v)
    k[10] |= rotr(v, 6)
    if sel == 14:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[2] ^= (k[15] + 0x57CE331) & MASK
        routine_19(k, k[18])
    if sel == 9:
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        k[15] = (k[15] - (0x344432F if NEG_COS[0x13BC76D5 & 0xFF] else k[18])) & MASK
        routine_20(k, k[1])
    v &= 0xDA03B206 if NEG_SIN[k[11] & 0xFF] else k[15]
    if sel == 12:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_21(k, k[0])
    if sel == 3:
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_22(k, v)
    k[14] ^= (83 * k[14]) & MASK
    if sel == 7:
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_23(k, k[12])
    if sel == 11:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        routine_24(k, k[10])
    k[11] = (k[11] - (0xCA758BFB if NEG_SIN[v & 0xFF] else k[12])) & MASK
    if sel == 10:
        k[6] ^= rotr(k[14], 28)
        if k[5] & 1:
            return
        routine_1(k, v)
    if sel == 8:
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        k[2] &= rotr(0x26B5176D, 17)
        routine_2(k, k[14])
    v = (v * (0xACA6EF1E ^ k[1])) & MASK
    if sel == 13:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        routine_3(k, v)
    if sel == 6:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_4(k, k[13])
    v = (v + ((41 * k[11]) & MASK)) & MASK
    if sel == 3:
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        k[16] ^= k[18] if (k[18] < 0xE87F32) else k[11]
        routine_5(k, k[17])
    if sel == 1:
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        k[5] = (k[5] + (k[11] | 0xEA02A83)) & MASK
        routine_18(k, v)
    k[8] = (k[8] + ((35 * k[6]) & MASK)) & MASK
    if sel == 4:
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_19(k, k[1])
    if sel == 1:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x909F & 0xFF] else k[5])) & MASK
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        routine_20(k, k[2])
    k[11] = (k[11] * ((k[12] - 0x48766E9C) & MASK)) & MASK
    if sel == 0:
        k[13] ^= 0x29B6BEC0 if (0x29B6BEC0 < 0x2E0AF4F7) else k[15]
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x5233F757
        if k[16] & 1:
            return
        routine_21(k, k[9])
    if sel == 15:
        k[7] ^= ISQRT1[k[15] & 0xFF]
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        routine_22(k, v)
    k[3] = (k[3] + ISQRT1[k[15] & 0xFF]) & MASK
    if sel == 5:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        routine_23(k, k[1])
    k[4] = rotl(k[4], 13 if NEG_SIN[k[12] & 0xFF] else k[14])
    if sel == 2:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[17] ^= (0x2F961 * k[4]) & MASK
        routine_24(k, k[4])
    if sel == 0:
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        k[4] ^= (17 * k[0]) & MASK
        routine_1(k, k[5])
    k[5] &= (97 * k[16]) & MASK


def routine_7(k: list[int], v: int) -> None:
    sel = ((k[8] ^ k[7]) ^ k[16]) & 15
    if sel == 8:
        k[1] ^= rotl(0xCDBFC92, 8)
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        routine_19(k, k[13])
    k[3] = (k[3] - ((k[15] + 0xFE7A752E) & MASK)) & MASK
    if sel == 3:
        k[5] = (k[5] * rotl(0xB706A577, 3)) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_20(k, k[8])
    if sel == 7:
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_21(k, v)
    k[0] ^= (25 * k[14]) & MASK
    if sel == 2:
        k[11] &= 0x6839B1C
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_22(k, k[6])
    if sel == 12:
        if k[5] & 1:
            return
        k[17] ^= 0x2D742F43
        routine_23(k, k[0])
    k[0] ^= k[18] if (k[18] < 0xD339212E) else v
    if sel == 11:
        k[1] ^= rotl(0x5C1A35DA, 8)
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_24(k, k[15])
    if sel == 0:
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x24FE0880 & 0xFF] else k[10])) & MASK
        k[13] |= 0x1510A109 if NEG_COS[0x58FC9D30 & 0xFF] else k[14]
        routine_1(k, k[12])
    k[19] ^= k[2] ^ 0xACF3864
    if sel == 15:
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        routine_2(k, v)
    if sel == 2:
        k[1] ^= rotl(0xAAB1F08, 8)
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_3(k, v)
    v = (v - (k[7] if (k[7] < 0xF2D2F7) else v)) & MASK
    if sel == 10:
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        routine_4(k, k[3])
    k[12] = rotr(k[12], (k[19] + 3) & MASK)
    if sel == 6:
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x4ADA50AE
        if k[16] & 1:
            return
        routine_5(k, k[19])
    if sel == 9:
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        routine_6(k, k[9])
    v ^= (k[0] + 0xEC0FD36) & MASK
    if sel == 1:
        k[13] ^= 0x2AB43EDB if (0x2AB43EDB < 0x2E0AF4F7) else k[15]
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        routine_19(k, v)
    if sel == 0:
        k[6] = (k[6] + (0xF7FB2E31 if (0xF7FB2E31 < 0x61F0BAA) else k[16])) & MASK
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_20(k, k[6])
    v = (v + ((93 * k[5]) & MASK)) & MASK
    if sel == 13:
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        routine_21(k, k[4])
    if sel == 5:
        k[7] ^= ISQRT1[k[15] & 0xFF]
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_22(k, k[5])
    v &= (v - 0x6718263) & MASK
    if sel == 1:
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x30A63C23 & 0xFF] else k[10])) & MASK
        k[11] ^= k[15] | 0x11273409
        routine_23(k, k[1])
    if sel == 14:
        k[5] = (k[5] * rotl(0x98A2A62E, 3)) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_24(k, k[18])
    if sel == 3:
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x87E63075
        if k[16] & 1:
            return
        routine_1(k, k[14])
    v = (0xEC076923 - k[10]) & MASK
    if sel == 4:
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_2(k, k[10])
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        routine_3(k, k[9])


def routine_8(k: list[int], v: int) -> None:
    sel = ((k[14] ^ k[1]) ^ k[8]) & 15
    if sel == 3:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[13] ^= 0x23841ACB if (0x23841ACB < 0x2E0AF4F7) else k[15]
        routine_20(k, k[18])
    if sel == 0:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[6] = (k[6] + (0x1656F2C if (0x1656F2C < 0x61F0BAA) else k[16])) & MASK
        routine_21(k, v)
    k[18] ^= ISQRT1[k[1] & 0xFF]
    if sel == 8:
        k[9] = rotl(k[9], 12)
        k[19] &= 0xC98D4040
        routine_22(k, k[10])
    if sel == 13:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[17] ^= 0xC53796B3
        routine_23(k, k[18])
    k[2] = (k[2] + rotr(k[14], 12)) & MASK
    if sel == 3:
        k[11] &= 0x29D9DEBC
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        routine_24(k, v)
    if sel == 9:
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_1(k, k[7])
    if sel == 11:
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        routine_2(k, k[6])
    k[18] ^= ISQRT1[k[17] & 0xFF]
    if sel == 10:
        k[2] ^= (k[15] + 0x57CE331) & MASK
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        routine_3(k, v)
    if sel == 4:
        k[0] = rotl(k[0], (0x41528AC >> 17) & 31)
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        routine_4(k, v)
    k[16] = (k[16] + ((73 * k[2]) & MASK)) & MASK
    if sel == 14:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xA5DCFAFF & 0xFF] else k[5])) & MASK
        routine_5(k, k[10])
    if sel == 5:
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        routine_6(k, v)
    v = (v + rotr(v, 19)) & MASK
    if sel == 2:
        k[13] ^= 0x504F395C if (0x504F395C < 0x2E0AF4F7) else k[15]
        k[6] = (k[6] + (0xB6E979A8 if (0xB6E979A8 < 0x61F0BAA) else k[16])) & MASK
        routine_7(k, v)
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        routine_20(k, v)
    k[9] ^= (110 * k[1]) & MASK
    if sel == 1:
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x6F09E141 & 0xFF] else k[5])) & MASK
        routine_21(k, k[7])
    if sel == 4:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[2] ^= (k[15] + 0x57CE331) & MASK
        routine_22(k, k[7])
    if sel == 15:
        k[10] = rotl(k[10], (0xA09F88F1 - 6) & MASK)
        if k[10] & 1:
            return
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_23(k, k[14])
    k[16] = (k[16] - (k[0] if (k[0] < 0x22C8CF2) else k[5])) & MASK
    if sel == 0:
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        routine_24(k, k[2])
    if sel == 5:
        k[18] = (k[18] - ((122 * k[6]) & MASK)) & MASK
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_1(k, k[4])
    k[9] = (k[9] * (v if (v < 0x5FD809D2) else k[4])) & MASK
    if sel == 7:
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        k[11] &= 0x332DA0B6
        routine_2(k, k[5])
    if sel == 1:
        k[11] ^= k[15] | 0x11273409
        k[19] &= 0x86D5035B
        routine_3(k, k[0])
    v = (v + ((v - 0x5790C685) & MASK)) & MASK
    if sel == 12:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[15] = (k[15] - (0x344432F if NEG_COS[0x121738E5 & 0xFF] else k[18])) & MASK
        routine_4(k, v)
    if sel == 6:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[0] = rotl(k[0], (0x60E885A6 >> 17) & 31)
        routine_5(k, k[4])
    k[18] = (k[18] * (0x5790C685 ^ k[13])) & MASK


def routine_9(k: list[int], v: int) -> None:
    sel = ((k[18] ^ k[5]) ^ k[2]) & 15
    if sel == 10:
        k[7] = (k[7] - 0xA7EF6FAB) & MASK
        k[2] ^= (k[15] + 0x57CE331) & MASK
        routine_21(k, v)
    if sel == 6:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        routine_22(k, k[19])
    k[5] |= ISQRT1[k[11] & 0xFF]
    if sel == 5:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_23(k, k[5])
    if sel == 4:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        routine_24(k, k[9])
    k[15] &= (88 * k[12]) & MASK
    if sel == 0:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xF5D726FF & 0xFF] else k[5])) & MASK
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_1(k, k[0])
    if sel == 7:
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        k[1] ^= rotl(0x6C0A34BC, 8)
        routine_2(k, k[10])
    if sel == 4:
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        if k[5] & 1:
            return
        routine_3(k, k[2])
    v = (v + ((0xFDFB78FE * k[11]) & MASK)) & MASK
    if sel == 5:
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        routine_4(k, k[17])
    if sel == 12:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x4EFAD4C & 0xFF] else k[5])) & MASK
        routine_5(k, k[9])
    k[12] = (k[12] + ((v - 0x4C7E1193) & MASK)) & MASK
    if sel == 3:
        k[1] ^= rotl(0x6FFD6E50, 8)
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        routine_6(k, k[17])
    if sel == 2:
        k[7] ^= ISQRT1[k[15] & 0xFF]
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        routine_7(k, k[15])
    if sel == 3:
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        routine_8(k, v)
    k[16] = (k[16] + ISQRT1[k[2] & 0xFF]) & MASK
    if sel == 6:
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x28288B07 & 0xFF] else k[5])) & MASK
        routine_21(k, k[15])
    if sel == 2:
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0xA623C3F4 & 0xFF] else k[7])) & MASK
        k[17] ^= (0x2F961 * k[4]) & MASK
        routine_22(k, k[5])
    k[0] = (k[0] * ((123 * k[19]) & MASK)) & MASK
    if sel == 9:
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        routine_23(k, k[0])
    if sel == 15:
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        k[9] = rotl(k[9], 5)
        routine_24(k, v)
    if sel == 14:
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        routine_1(k, k[8])
    k[4] |= 0x89C7C4D3 ^ k[13]
    if sel == 13:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        routine_2(k, k[3])
    if sel == 8:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        routine_3(k, k[5])
    v = (v - (0x111DCA68 if NEG_COS[k[14] & 0xFF] else k[18])) & MASK
    if sel == 11:
        k[9] = rotl(k[9], 29)
        k[15] = (k[15] - (0x344432F if NEG_COS[0xA35F29BB & 0xFF] else k[18])) & MASK
        routine_4(k, k[3])
    if sel == 0:
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        k[5] = (k[5] * rotl(0x20F609B2, 3)) & MASK
        routine_5(k, k[11])
    if sel == 1:
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        routine_6(k, k[4])
    k[11] = (k[11] * ISQRT1[v & 0xFF]) & MASK
    if sel == 1:
        k[5] = (k[5] * rotl(0x8FE3C3F3, 3)) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_7(k, v)
    k[16] ^= 0x16283882 if NEG_SIN[v & 0xFF] else k[12]


def routine_10(k: list[int], v: int) -> None:
    sel = k[14] & 15
    if sel == 5:
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_22(k, v)
    if sel == 9:
        k[2] &= rotr(0xBD460637, 17)
        k[2] &= rotr(0x23D5BA3F, 17)
        routine_23(k, k[19])
    k[19] = (k[19] * ISQRT1[v & 0xFF]) & MASK
    if sel == 10:
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        k[7] = (k[7] - 0x7789BFF3) & MASK
        routine_24(k, k[12])
    if sel == 11:
        k[17] ^= (0x2F961 * k[4]) & MASK
        k[9] = rotl(k[9], 1)
        routine_1(k, v)
    k[12] ^= 0x1594E0E0 if NEG_COS[k[11] & 0xFF] else k[7]
    if sel == 15:
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        routine_2(k, v)
    if sel == 4:
        k[10] = rotl(k[10], (0x7D76C942 - 6) & MASK)
        if k[10] & 1:
            return
        k[18] = (k[18] - ((122 * k[6]) & MASK)) & MASK
        routine_3(k, v)
    k[18] &= rotr(k[17], 29)
    if sel == 12:
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        k[0] = rotl(k[0], (0xB82B0DAB >> 17) & 31)
        routine_4(k, k[3])
    if sel == 1:
        k[7] = (k[7] - 0x3F7FFFE3) & MASK
        k[7] = (k[7] + 0x6AEC3B22) & MASK
        routine_5(k, k[5])
    k[1] = (k[1] - ((92 * k[19]) & MASK)) & MASK
    if sel == 14:
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0x752B3066 & 0xFF] else k[7])) & MASK
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_6(k, k[0])
    if sel == 3:
        k[17] ^= (0x2F961 * k[4]) & MASK
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x2CE8A84E & 0xFF] else k[10])) & MASK
        routine_7(k, v)
    k[14] = (k[14] + ((0x1579CA5 - v) & MASK)) & MASK
    if sel == 1:
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        routine_8(k, v)
    if sel == 6:
        k[17] ^= 0x2EFE59F4
        k[6] ^= rotr(k[14], 28)
        routine_9(k, v)
    k[8] = (k[8] - ((78 * k[1]) & MASK)) & MASK
    if sel == 13:
        k[17] ^= 0x18A96853
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xF6AF31E & 0xFF] else k[5])) & MASK
        routine_22(k, k[14])
    if sel == 2:
        k[11] |= (k[4] - 0x224114CD) & MASK
        k[9] = rotl(k[9], 4)
        routine_23(k, k[13])
    k[16] = rotr(k[16], k[15] | 30)
    if sel == 0:
        k[7] = (k[7] - 0xA7E9B7A3) & MASK
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        routine_24(k, k[7])
        k[11] &= 0xF7849C32
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_1(k, k[6])
    k[8] = (k[8] - ((12 * k[18]) & MASK)) & MASK
    if sel == 4:
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_2(k, v)
    if sel == 3:
        k[7] = (k[7] + 0x351E5020) & MASK
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        routine_3(k, k[1])
    k[14] ^= 0x579B4B85 if NEG_COS[k[5] & 0xFF] else k[6]
    if sel == 2:
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        routine_4(k, k[10])
    if sel == 5:
        if k[5] & 1:
            return
        k[5] = (k[5] + (k[11] | 0xEA02A83)) & MASK
        routine_5(k, v)
    k[10] = (k[10] + ((0x3575DC9 * k[13]) & MASK)) & MASK
    if sel == 7:
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        k[0] = rotl(k[0], (0xB8AD3ED9 >> 17) & 31)
        routine_6(k, k[16])
        k[10] = rotl(k[10], (0xC279F292 - 6) & MASK)
        if k[10] & 1:
            return
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_7(k, k[16])
    if sel == 8:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        routine_8(k, k[14])
    k[4] ^= k[5] & 0x136008B9
    if sel == 6:
        k[6] ^= rotr(k[14], 28)
        k[5] = (k[5] + (k[11] | 0xEA02A83)) & MASK
        routine_9(k, k[4])
    k[3] ^= (0x29909382 + k[13]) & MASK


def routine_11(k: list[int], v: int) -> None:
    sel = k[3] & 15
    if sel == 5:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_23(k, k[4])
    if sel == 7:
        k[17] ^= 0xBEF59983
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        routine_24(k, v)
    k[4] = (k[4] * (0x23D1B75F if NEG_SIN[v & 0xFF] else k[11])) & MASK
    if sel == 10:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        routine_1(k, v)
    if sel == 8:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        routine_2(k, k[11])
    v = (v * ((k[13] - 0x21175CB) & MASK)) & MASK
    if sel == 4:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[11] ^= k[15] | 0x11273409
        routine_3(k, k[11])
    if sel == 2:
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_4(k, k[15])
        k[4] ^= (17 * k[0]) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_5(k, k[8])
    v = rotl(v, (v + 5) & MASK)
    if sel == 4:
        k[2] &= rotr(0xF2F0F729, 17)
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        routine_6(k, k[7])
    if sel == 0:
        k[7] ^= ISQRT1[k[15] & 0xFF]
        k[9] = rotl(k[9], 12)
        routine_7(k, k[17])
    k[3] = rotl(k[3], k[8] if (k[8] < 0x354AE538) else v)
    if sel == 0:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        routine_8(k, k[7])
    if sel == 11:
        k[6] = (k[6] + (0xD083A1C7 if (0xD083A1C7 < 0x61F0BAA) else k[16])) & MASK
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        routine_9(k, k[3])
    k[7] = (k[7] - (k[18] ^ 0xF1CDC7D)) & MASK
    if sel == 8:
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xC67A38DE & 0xFF] else k[5])) & MASK
        routine_10(k, k[16])
    if sel == 1:
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        routine_23(k, v)
    if sel == 15:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[13] |= 0x1510A109 if NEG_COS[0xE6E035C2 & 0xFF] else k[14]
        routine_24(k, k[3])
    v = (v + (k[13] if (k[13] < 0x32081481) else v)) & MASK
    if sel == 9:
        k[19] &= 0xBFAF8559
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0x8494F082 & 0xFF] else k[7])) & MASK
        routine_1(k, k[10])
    if sel == 3:
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        k[17] ^= 0xD4CA763
        routine_2(k, k[3])
    k[18] = (k[18] + ((0xD3BE6F0E - k[17]) & MASK)) & MASK
    if sel == 1:
        k[19] &= 0xAEB00548
        k[12] = rotr(k[12], k[18] ^ 9)
        routine_3(k, k[13])
    if sel == 5:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[7] = (k[7] - 0x379DEFB3) & MASK
        routine_4(k, v)
    if sel == 6:
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        routine_5(k, k[7])
    k[7] = (k[7] - (v if (v < 0xD28B93FE) else k[18])) & MASK
    if sel == 14:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[2] &= rotr(0xD0D89937, 17)
        routine_6(k, v)
    if sel == 3:
        k[13] |= 0x1510A109 if NEG_COS[0x91403FF1 & 0xFF] else k[14]
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_7(k, k[10])
    k[2] = rotl(k[2], ((-80 & MASK) * k[17]) & MASK)
    if sel == 13:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xD9FEC55F & 0xFF] else k[5])) & MASK
        routine_8(k, k[10])
    if sel == 12:
        k[17] ^= 0xDFBCF197
        k[7] = (k[7] - 0x3F4F37BB) & MASK
        routine_9(k, v)
    k[17] = (k[17] - (k[3] & 0x5C40869)) & MASK
    if sel == 7:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0xE8B5F17D & 0xFF] else k[5])) & MASK
        routine_10(k, k[4])
    if sel == 6:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_23(k, k[7])
    k[6] = (k[6] + ((v - 0xAD58C16C) & MASK)) & MASK


def routine_12(k: list[int], v: int) -> None:
    sel = ((k[19] ^ v) ^ k[0]) & 15
    if sel == 2:
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        if k[5] & 1:
            return
        routine_24(k, k[6])
    if sel == 3:
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        routine_1(k, k[0])
    v = (v - rotr(k[7], 10)) & MASK
    if sel == 8:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x454B4CB0 & 0xFF] else k[10])) & MASK
        routine_2(k, k[5])
    if sel == 13:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_3(k, k[4])
    k[5] ^= (k[13] - 0x5648E1C) & MASK
    if sel == 1:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        routine_4(k, k[5])
    if sel == 15:
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        k[6] = (k[6] + (0xDBC32E55 if (0xDBC32E55 < 0x61F0BAA) else k[16])) & MASK
        routine_5(k, v)
    if sel == 7:
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        routine_6(k, k[16])
    k[0] ^= (0xC8350BCD * k[17]) & MASK
    if sel == 1:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[6] = (k[6] + (0xF14A0809 if (0xF14A0809 < 0x61F0BAA) else k[16])) & MASK
        routine_7(k, k[12])
    if sel == 10:
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        k[7] = (k[7] - 0xEF4BAFA3) & MASK
        routine_8(k, k[16])
    if sel == 4:
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        routine_9(k, k[18])
    v &= (0xC8350BCD + k[13]) & MASK
    if sel == 5:
        k[0] = rotl(k[0], (0x75B10262 >> 17) & 31)
        k[4] ^= (17 * k[0]) & MASK
        routine_10(k, k[7])
    if sel == 6:
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_11(k, k[2])
    k[2] = rotr(k[2], k[17] & 8)
    if sel == 5:
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        routine_24(k, v)
    if sel == 0:
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        k[7] = (k[7] + (k[2] ^ 0x376E1538)) & MASK
        if k[7] & 1:
            return
        routine_1(k, k[8])
    v = rotr(v, (v - 16) & MASK)
    if sel == 9:
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        k[1] ^= rotl(0x7C854F50, 8)
        routine_2(k, k[2])
    if sel == 3:
        if k[5] & 1:
            return
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        routine_3(k, k[16])
    if sel == 6:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        routine_4(k, k[12])
    k[17] ^= rotl(k[3], 5)
    if sel == 4:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_5(k, k[19])
    if sel == 11:
        k[5] = (k[5] + (k[11] | 0xEA02A83)) & MASK
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0xBDDD6945 & 0xFF] else k[7])) & MASK
        routine_6(k, v)
    k[15] = (k[15] + ((0x531BF4BD - k[5]) & MASK)) & MASK
    if sel == 0:
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_7(k, v)
    if sel == 9:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[2] ^= 0x1C0E70BF if NEG_SIN[k[17] & 0xFF] else k[5]
        routine_8(k, v)
    if sel == 14:
        k[4] ^= (17 * k[0]) & MASK
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        routine_9(k, k[7])
    k[5] &= k[9] if (k[9] < 0x802D5786) else k[16]
    if sel == 12:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_10(k, v)
    if sel == 7:
        k[1] ^= rotl(0x75382920, 8)
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        routine_11(k, k[10])
    k[1] = (k[1] * ((104 * k[12]) & MASK)) & MASK
    if sel == 8:
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        k[13] |= 0x1510A109 if NEG_COS[0xCCB27D90 & 0xFF] else k[14]
        routine_24(k, k[19])
    if sel == 2:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_1(k, k[4])
    k[17] ^= v if (v < 0x136FA01) else k[18]


def routine_13(k: list[int], v: int) -> None:
    sel = ((v ^ k[0]) ^ k[18]) & 1
    k[11] ^= k[5] | 0x16AE2234
    k[12] = (k[12] + (k[8] & 0xAE32B8E)) & MASK
    k[0] = (k[0] - ((12 * k[16]) & MASK)) & MASK
    k[16] ^= (v + 0xA8BDFE15) & MASK
    k[9] = (k[9] - ((0x8181F7E7 + k[10]) & MASK)) & MASK
    if sel == 0:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x24B5D4C1 & 0xFF] else k[5])) & MASK
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        t = (v + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    v = rotr(v, (30 * k[16]) & MASK)
    v ^= rotr(k[15], 20)
    k[13] = (k[13] + (k[13] ^ 0x486B19AC)) & MASK
    k[2] |= (k[9] + 0x1086C59F) & MASK
    k[14] |= 0x5BADEF93 if NEG_COS[v & 0xFF] else k[10]
    if sel == 1:
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        k[10] = rotl(k[10], (0xB0DAD1C3 - 6) & MASK)
        if k[10] & 1:
            return
        t = k[17] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    k[12] = (k[12] + (k[10] if (k[10] < 0x2EE7C8C3) else v)) & MASK


def routine_14(k: list[int], v: int) -> None:
    sel = ((v ^ k[0]) ^ k[16]) % 3
    k[12] = (k[12] + (v if (v < 0x3FEC317) else k[12])) & MASK
    v = rotr(v, (v - 8) & MASK)
    k[10] = (k[10] * ((k[10] - 0x54940E) & MASK)) & MASK
    if sel == 2:
        k[9] = rotl(k[9], 29)
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        t = (k[19] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[2] = rotr(k[2], rotr(k[6], 22))
    k[12] = rotr(k[12], (k[1] - 0x2206F590) & MASK)
    k[15] = rotl(k[15], k[8] ^ 150)
    if sel == 0:
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        t = k[5] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    v = (v + ISQRT1[k[9] & 0xFF]) & MASK
    k[10] = (k[10] - rotl(v, 0x209B4CB8)) & MASK
    k[1] = (k[1] + ((41 * v) & MASK)) & MASK
    k[9] = (k[9] * ((105 * k[3]) & MASK)) & MASK
    if sel == 1:
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_13(k, k[0])
    v = (v - (0xFCCEF753 | k[10])) & MASK


def routine_15(k: list[int], v: int) -> None:
    sel = k[16] & 3
    v = (v + rotl(k[10], 4)) & MASK
    v = rotr(v, 14 if NEG_COS[k[18] & 0xFF] else k[15])
    if sel == 3:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[18] = (k[18] - ((122 * k[6]) & MASK)) & MASK
        t = (k[2] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    v = rotl(v, rotr(k[6], 21))
    k[17] |= (k[11] - 0xBF85104) & MASK
    k[17] = (k[17] - ((78 * v) & MASK)) & MASK
    if sel == 1:
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        k[6] ^= 0x1AB1E599 if NEG_COS[k[7] & 0xFF] else k[18]
        t = v & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    k[15] = (k[15] + (0xA82B365 if NEG_COS[v & 0xFF] else k[7])) & MASK
    k[17] = (k[17] - (0x9AA8540 if NEG_COS[k[11] & 0xFF] else v)) & MASK
    v ^= 0x3B018731 if NEG_SIN[k[12] & 0xFF] else k[12]
    if sel == 2:
        k[9] = (k[9] - rotr(k[16], 25)) & MASK
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_13(k, v)
    k[7] ^= 0x836B3E03 if NEG_SIN[k[17] & 0xFF] else k[6]
    k[2] ^= (k[6] + 0x1E0BBA53) & MASK
    k[15] = (k[15] + ((0x812EAA9D - k[1]) & MASK)) & MASK
    if sel == 0:
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_14(k, k[2])
    k[1] ^= k[14] if (k[14] < 0x812EAA9D) else v


def routine_16(k: list[int], v: int) -> None:
    sel = ((k[12] ^ v) ^ k[5]) % 5
    k[17] = rotl(k[17], 2 if NEG_COS[v & 0xFF] else k[19])
    v = (v - (v | 0x16E2A7D1)) & MASK
    if sel == 2:
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        k[6] = (k[6] * ((0x1304694A * k[11]) & MASK)) & MASK
        t = (k[0] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[15] = (k[15] * ((118 * v) & MASK)) & MASK
    k[12] = rotl(k[12], (k[10] - 7) & MASK)
    if sel == 1:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        t = k[3] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    k[2] = (k[2] + (k[13] if (k[13] < 0x588BA7CA) else v)) & MASK
    k[19] = (k[19] - (k[12] if (k[12] < 0x3F5E1B0) else k[9])) & MASK
    if sel == 3:
        k[11] ^= k[15] | 0x11273409
        k[7] = (k[7] - 0xBFA93FA3) & MASK
        routine_13(k, k[14])
    v = (v * (-11 & MASK)) & MASK
    k[3] = (k[3] + ((76 * k[5]) & MASK)) & MASK
    if sel == 4:
        k[11] |= (k[4] - 0x224114CD) & MASK
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_14(k, k[17])
    k[11] = (k[11] * (k[3] | 0xA760EE25)) & MASK
    k[19] = (k[19] + ((k[12] + 0xA760EE25) & MASK)) & MASK
    if sel == 0:
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        routine_15(k, k[6])
    k[15] = rotr(k[15], k[14] if (k[14] < 0x9161D683) else k[9])


def routine_17(k: list[int], v: int) -> None:
    sel = ((k[14] ^ k[2]) ^ k[6]) % 6
    k[1] = (k[1] + (0x1FAE4F0 if NEG_SIN[k[1] & 0xFF] else k[17])) & MASK
    if sel == 4:
        k[2] &= rotr(0xF37F8F83, 17)
        k[9] = rotl(k[9], 31)
        t = (k[7] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[3] = (k[3] - rotl(k[9], 5)) & MASK
    k[12] = (k[12] * rotr(k[4], 19)) & MASK
    if sel == 3:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        t = v & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    v = (v - rotl(v, 18)) & MASK
    k[19] ^= (v + 0x222E1310) & MASK
    if sel == 2:
        if k[5] & 1:
            return
        k[9] = rotl(k[9], 6)
        routine_13(k, k[18])
    k[17] ^= (v - 0x7FAB735B) & MASK
    if sel == 0:
        k[13] |= 0x1510A109 if NEG_COS[0xD2430E50 & 0xFF] else k[14]
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        routine_14(k, v)
    k[14] |= k[1] ^ 0x71B103BD
    v = rotr(v, (6 * k[16]) & MASK)
    if sel == 1:
        k[11] |= (k[4] - 0x224114CD) & MASK
        k[10] = rotr(k[10], (k[14] + 6) & MASK)
        routine_15(k, k[17])
    k[0] ^= ISQRT1[k[15] & 0xFF]
    k[14] = rotr(k[14], 8 if NEG_COS[k[15] & 0xFF] else k[1])
    if sel == 0:
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        routine_16(k, k[9])
    k[10] = (k[10] - (0xF83DD71A if NEG_COS[k[13] & 0xFF] else k[10])) & MASK


def routine_18(k: list[int], v: int) -> None:
    sel = k[14] % 7
    v = (v - ((31 * k[6]) & MASK)) & MASK
    if sel == 5:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[13] ^= 0x3DB5CDC8 if (0x3DB5CDC8 < 0x2E0AF4F7) else k[15]
        t = (k[0] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[14] ^= (k[15] - 0x274BB11) & MASK
    if sel == 4:
        k[6] = rotl(k[6], (k[13] - 18) & MASK)
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        t = k[12] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    v ^= (8 * k[1]) & MASK
    if sel == 2:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x1D06A87F & 0xFF] else k[5])) & MASK
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_13(k, k[13])
    k[16] = rotl(k[16], ISQRT1[k[15] & 0xFF])
    k[19] = (k[19] * ISQRT1[k[10] & 0xFF]) & MASK
    if sel == 3:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        routine_14(k, k[4])
    v = (v + (k[16] | 0x1DF5D7AD)) & MASK
    if sel == 0:
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        k[11] ^= k[15] | 0x11273409
        routine_15(k, k[4])
    v = (v * ((k[2] + 0xC70282A8) & MASK)) & MASK
    if sel == 0:
        k[3] ^= (k[0] + 0x4376FF7) & MASK
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_16(k, k[9])
    k[6] &= (v - 0x9798A83) & MASK
    v = rotr(v, (2 * k[11]) & MASK)
    if sel == 1:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        routine_17(k, k[7])
    k[2] ^= k[9] if (k[9] < 0x2EEDED9) else k[12]


def routine_19(k: list[int], v: int) -> None:
    sel = ((k[13] ^ v) ^ k[4]) & 7
    k[16] = (k[16] * k[15]) & MASK
    if sel == 0:
        k[9] = (k[9] + ((0x3A82007 - k[14]) & MASK)) & MASK
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        t = (v + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[14] = rotr(k[14], (87 * k[11]) & MASK)
    if sel == 2:
        k[11] ^= k[15] | 0x11273409
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x73492C37
        if k[16] & 1:
            return
        t = k[16] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    v &= v ^ 0xBFEECFFE
    if sel == 6:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x7FE25F6B
        if k[16] & 1:
            return
        routine_13(k, k[7])
    v = (v + (0xD68DC95 if NEG_COS[v & 0xFF] else k[5])) & MASK
    k[2] ^= 0x2124BD5 if NEG_SIN[k[7] & 0xFF] else v
    if sel == 4:
        k[4] ^= (17 * k[0]) & MASK
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        routine_14(k, k[5])
    k[2] ^= v if (v < 0xA427B60) else k[19]
    if sel == 0:
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        k[6] ^= rotr(k[14], 28)
        routine_15(k, v)
    k[12] = (k[12] - ISQRT1[v & 0xFF]) & MASK
    if sel == 1:
        k[11] |= (k[4] - 0x224114CD) & MASK
        k[17] ^= (0x2F961 * k[4]) & MASK
        routine_16(k, k[15])
    k[16] = (k[16] - (0x61A83016 | k[4])) & MASK
    if sel == 3:
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_17(k, v)
    v = (v * ISQRT1[v & 0xFF]) & MASK
    k[13] = (k[13] * ((0x59F1E662 + k[16]) & MASK)) & MASK
    if sel == 7:
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        routine_18(k, k[19])
    k[3] ^= (0x699B23 * k[12]) & MASK


def routine_20(k: list[int], v: int) -> None:
    sel = ((v ^ k[7]) ^ k[12]) % 9
    v = rotr(v, ISQRT1[v & 0xFF])
    if sel == 8:
        k[16] ^= k[18] if (k[18] < 0xE87F32) else k[11]
        k[10] = rotl(k[10], (0x141586A - 6) & MASK)
        if k[10] & 1:
            return
        t = (k[15] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[4] = (k[4] + ((15 * k[16]) & MASK)) & MASK
    if sel == 0:
        k[0] = rotl(k[0], (0x1CB835FD >> 17) & 31)
        k[12] = rotr(k[12], k[18] ^ 9)
        t = k[16] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    k[10] ^= rotr(k[15], 30)
    if sel == 1:
        k[2] = (k[2] + ((0xEA2D3D5D * k[7]) & MASK)) & MASK
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        routine_13(k, v)
    k[7] = (k[7] - (0xD93E92C if NEG_SIN[v & 0xFF] else k[16])) & MASK
    if sel == 2:
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x66E0FF5C
        if k[16] & 1:
            return
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_14(k, k[17])
    k[6] = (k[6] * rotr(k[10], 7)) & MASK
    if sel == 6:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        routine_15(k, k[14])
    v = (v - ((90 * k[16]) & MASK)) & MASK
    if sel == 4:
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x7C7D7E42 & 0xFF] else k[10])) & MASK
        routine_16(k, k[4])
    k[3] = (k[3] - (k[16] & 0xEFF9DB02)) & MASK
    if sel == 0:
        k[3] = (k[3] + ((k[9] + 0x48210C78) & MASK)) & MASK
        k[6] ^= rotr(k[14], 28)
        routine_17(k, k[13])
    v = (v + (0x39AEBDF if NEG_COS[k[19] & 0xFF] else k[5])) & MASK
    if sel == 7:
        k[0] = rotl(k[0], (8 * k[18]) & MASK)
        k[7] ^= ISQRT1[k[15] & 0xFF]
        routine_18(k, k[6])
    k[13] |= ISQRT1[k[10] & 0xFF]
    if sel == 5:
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x54AE62D0
        if k[16] & 1:
            return
        routine_19(k, k[14])
    v = rotl(v, (26 * v) & MASK)
    k[14] = (k[14] - (0xB95DC2D3 if NEG_SIN[k[1] & 0xFF] else k[18])) & MASK


def routine_21(k: list[int], v: int) -> None:
    sel = ((k[17] ^ k[16]) ^ k[7]) % 10
    k[15] = (k[15] - ((13 * k[7]) & MASK)) & MASK
    if sel == 2:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        t = (k[14] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[7] = (k[7] + (k[5] ^ 0x28CA4358)) & MASK
    if sel == 1:
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        k[2] = (k[2] - (0x73423C3 if NEG_SIN[0xC14393E2 & 0xFF] else k[7])) & MASK
        t = k[10] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    k[10] = (k[10] + (v & 0xE9F1006)) & MASK
    if sel == 9:
        k[2] &= rotr(0x3C50D16, 17)
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        routine_13(k, v)
    k[19] = (k[19] * (k[0] if (k[0] < 0xB71D9592) else k[14])) & MASK
    if sel == 5:
        k[0] = rotl(k[0], (0x6481D348 >> 17) & 31)
        k[11] = rotl(k[11], 19 if NEG_COS[k[5] & 0xFF] else k[11])
        routine_14(k, v)
    k[16] = (k[16] + ((0x7C476077 - k[0]) & MASK)) & MASK
    if sel == 4:
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        routine_15(k, k[10])
    v ^= (k[10] << 6) & MASK
    if sel == 0:
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        k[1] = (k[1] - (k[16] | 0x59C1677)) & MASK
        routine_16(k, k[4])
    k[3] = (k[3] + (0x7B0CA6E0 if NEG_SIN[k[12] & 0xFF] else v)) & MASK
    if sel == 6:
        k[6] = (k[6] + (0xFCD29227 if (0xFCD29227 < 0x61F0BAA) else k[16])) & MASK
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x3FFF3F1E & 0xFF] else k[5])) & MASK
        routine_17(k, k[2])
    v |= (0x2FF561CA * v) & MASK
    if sel == 8:
        k[1] ^= rotl(0x5BCC4FBE, 8)
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x8328D41F & 0xFF] else k[5])) & MASK
        routine_18(k, k[3])
    k[14] = (k[14] + rotr(k[0], 26)) & MASK
    if sel == 3:
        k[16] &= k[12] if (k[12] < 0x28165E7B) else 0x7F1F0A41
        if k[16] & 1:
            return
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_19(k, v)
    k[14] = (k[14] - (k[6] if (k[6] < 0x2C23ABF1) else k[19])) & MASK
    if sel == 7:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[13] ^= 0x302EE99C if (0x302EE99C < 0x2E0AF4F7) else k[15]
        routine_20(k, k[17])
    k[4] &= (14 * k[11]) & MASK


def routine_22(k: list[int], v: int) -> None:
    sel = ((v ^ k[2]) ^ k[6]) % 11
    k[17] = rotr(k[17], (v - 7) & MASK)
    if sel == 8:
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x74FA76D5 & 0xFF] else k[10])) & MASK
        k[1] ^= rotl(0x6D3C052C, 8)
        t = (k[19] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[16] = (k[16] - (0xF9263500 & k[8])) & MASK
    if sel == 0:
        k[6] ^= rotr(k[14], 28)
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        t = k[14] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    v = (v + (k[9] ^ 0x32C5F54)) & MASK
    if sel == 1:
        k[12] = (k[12] * (0x1734D89C if NEG_COS[0x187AA563 & 0xFF] else k[5])) & MASK
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        routine_13(k, v)
    k[15] = (k[15] + (k[4] if (k[4] < 0x763BB14) else v)) & MASK
    if sel == 6:
        k[0] = (k[0] * ((33 * k[0]) & MASK)) & MASK
        if k[0] & 1:
            return
        k[12] = rotr(k[12], k[18] ^ 9)
        routine_14(k, k[18])
    k[4] = (k[4] + ((k[11] + 0x1B2FADB0) & MASK)) & MASK
    if sel == 10:
        k[7] ^= (k[10] - 0x3035E544) & MASK
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        routine_15(k, k[14])
    v &= k[3] & 0x4E081541
    if sel == 9:
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        k[13] |= 0x1510A109 if NEG_COS[0xD89C09D3 & 0xFF] else k[14]
        routine_16(k, k[14])
    k[18] ^= v if (v < 0x22E75CE0) else k[3]
    if sel == 4:
        k[9] = rotr(k[9], (k[17] * 18) & MASK)
        k[17] ^= 0x682AB283
        routine_17(k, v)
    v |= rotl(k[14], 102)
    if sel == 3:
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[11] ^= k[15] | 0x11273409
        routine_18(k, v)
    k[3] = (k[3] + rotr(v, 19)) & MASK
    if sel == 2:
        k[17] ^= (0x2F961 * k[4]) & MASK
        k[13] ^= 0x33822AB7 if (0x33822AB7 < 0x2E0AF4F7) else k[15]
        routine_19(k, v)
    k[9] ^= (52 * k[7]) & MASK
    if sel == 5:
        k[14] ^= 0x73CD560C if NEG_COS[k[9] & 0xFF] else k[4]
        k[0] = rotl(k[0], (0xD0D19C61 >> 17) & 31)
        routine_20(k, k[1])
    v = (v * ((0xB1DB36B2 * k[0]) & MASK)) & MASK
    if sel == 0:
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        k[15] = (k[15] - (0x344432F if NEG_COS[0xCE82C1C & 0xFF] else k[18])) & MASK
        routine_21(k, k[17])
    k[10] = (k[10] * (k[17] if (k[17] < 0xD066ADA) else v)) & MASK


def routine_23(k: list[int], v: int) -> None:
    sel = ((k[6] ^ v) ^ k[5]) % 12
    if sel == 2:
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        t = (k[11] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[17] = rotl(k[17], (k[5] - 0x2E74D55C) & MASK)
    if sel == 9:
        k[11] &= 0x5A1FF296
        k[10] = rotl(k[10], (0xEC7C0E9 - 6) & MASK)
        if k[10] & 1:
            return
        t = k[10] & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    v = rotl(v, (0x3FCB120B + k[2]) & MASK)
    if sel == 11:
        k[6] = (k[6] + (0xAF5BAF57 if (0xAF5BAF57 < 0x61F0BAA) else k[16])) & MASK
        k[3] = (k[3] - (k[17] | 0x2433636)) & MASK
        if k[3] & 1:
            return
        routine_13(k, v)
    k[14] |= (0x3FC983D0 + v) & MASK
    if sel == 8:
        k[1] ^= rotl(0x59806A89, 8)
        if k[5] & 1:
            return
        routine_14(k, k[2])
    if sel == 10:
        k[16] = rotr(k[16], (k[10] - 11) & MASK)
        k[9] = rotl(k[9], rotl(k[1], 14))
        if k[9] & 1:
            return
        routine_15(k, k[2])
    k[10] = rotl(k[10], 0x3FC983D0 if NEG_COS[k[11] & 0xFF] else k[11])
    if sel == 0:
        k[1] ^= rotl(0x50F929B8, 8)
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_16(k, v)
    k[0] = (k[0] + ((k[2] + 0x56775D25) & MASK)) & MASK
    if sel == 6:
        k[9] = rotl(k[9], 7)
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        routine_17(k, v)
    v |= (123 * k[9]) & MASK
    if sel == 1:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[6] = (k[6] + ((0x975C61BA - k[8]) & MASK)) & MASK
        routine_18(k, k[6])
    if sel == 5:
        k[13] |= 0x1510A109 if NEG_COS[0x693CB362 & 0xFF] else k[14]
        if k[5] & 1:
            return
        routine_19(k, k[0])
    k[8] = rotr(k[8], v if (v < 0x48821AB) else k[8])
    if sel == 0:
        k[11] = (k[11] + ((0xF6B10986 - k[14]) & MASK)) & MASK
        if k[11] & 1:
            return
        k[1] ^= rotl(0x56278C42, 8)
        routine_20(k, k[10])
    k[12] ^= (48 * k[18]) & MASK
    if sel == 3:
        k[7] ^= ISQRT1[k[15] & 0xFF]
        k[0] = rotl(k[0], (0xD061FA2F >> 17) & 31)
        routine_21(k, k[17])
    k[18] |= (58 * k[4]) & MASK
    if sel == 7:
        k[15] ^= k[14] if (k[14] < 0x291B9650) else k[2]
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_22(k, k[5])
    if sel == 4:
        k[4] ^= (17 * k[0]) & MASK
        k[12] = (k[12] - ((66 * k[2]) & MASK)) & MASK
        t = (k[4] + (0xCC95AFBF if NEG_SIN[k[7] & 0xFF] else k[9])) & MASK
        k[2] = (k[2] + ((t + 0xE6ECDA3) & MASK)) & MASK
        k[9] &= 0x13D68223 if NEG_SIN[k[7] & 0xFF] else t
        k[15] = (k[15] + ((0x38245913 - k[12]) & MASK)) & MASK
        k[16] = rotr(k[16], (30 * k[17]) & MASK)
        k[11] = (k[11] + ((0x36F87E5B - k[5]) & MASK)) & MASK
        k[2] = (k[2] + ((102 * k[3]) & MASK)) & MASK
        t = (t * rotl(k[5], 30)) & MASK
        k[9] = (k[9] + ((123 * t) & MASK)) & MASK
        k[5] = rotl(k[5], (k[16] - 11) & MASK)
        k[10] |= 0x84EDC63 if NEG_SIN[k[4] & 0xFF] else k[4]
    k[5] ^= 0x16925B88 if NEG_COS[k[8] & 0xFF] else k[8]


def routine_24(k: list[int], v: int) -> None:
    sel = ((v ^ k[8]) ^ k[11]) % 13
    if sel == 7:
        k[11] ^= k[15] | 0x11273409
        k[12] = rotr(k[12], k[18] ^ 9)
        t = v & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    k[2] = (k[2] + (0xBE51568 if NEG_SIN[k[16] & 0xFF] else k[17])) & MASK
    if sel == 0:
        k[2] ^= (k[15] + 0x57CE331) & MASK
        k[10] ^= (k[7] - 0x354C1FF2) & MASK
        routine_13(k, k[0])
    v = (v - (k[15] if (k[15] < 0x214D38C3) else k[14])) & MASK
    if sel == 6:
        k[5] = (k[5] * rotl(0xE50F49F3, 3)) & MASK
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        routine_14(k, k[9])
    v = (v + ((0x20F1E8E5 - k[17]) & MASK)) & MASK
    if sel == 1:
        k[11] = (k[11] + ((0x29CC7F53 - k[5]) & MASK)) & MASK
        k[0] = rotl(k[0], (0x91B25DAB >> 17) & 31)
        routine_15(k, k[19])
    v = (v * 113) & MASK
    if sel == 5:
        k[16] &= k[11] if (k[11] < 0x5578A05) else k[16]
        k[11] = (k[11] - ((k[12] << 5) & MASK)) & MASK
        routine_16(k, k[5])
    k[4] |= (v - 0xD896A46) & MASK
    if sel == 11:
        k[12] = rotr(k[12], k[18] ^ 9)
        k[1] ^= k[4] if (k[4] < 0x196D816A) else k[17]
        if k[1] & 1:
            return
        routine_17(k, k[2])
    if sel == 10:
        k[18] ^= (k[10] + 0x1EE65B0C) & MASK
        k[13] |= 0x1510A109 if NEG_COS[0x2DE98C73 & 0xFF] else k[14]
        routine_18(k, k[16])
    k[19] = rotl(k[19], 0xD896A46 if NEG_COS[k[4] & 0xFF] else k[4])
    if sel == 12:
        k[1] ^= 0x7C23395 if NEG_COS[k[3] & 0xFF] else k[18]
        if k[1] & 1:
            return
        k[11] &= 0x54BD742
        routine_19(k, k[9])
    k[5] = rotr(k[5], (9 * k[15]) & MASK)
    if sel == 0:
        k[17] = (k[17] + ((k[13] - 0x292C1156) & MASK)) & MASK
        k[1] ^= rotl(0x57B2250F, 8)
        routine_20(k, k[12])
    v = rotl(v, (k[14] + 8) & MASK)
    if sel == 4:
        k[4] ^= (k[19] - 0x303D46FE) & MASK
        k[11] |= (k[4] - 0x224114CD) & MASK
        routine_21(k, k[1])
    k[10] ^= k[12] ^ 0x17E47765
    if sel == 3:
        k[7] = (k[7] + rotr(k[7], 21)) & MASK
        if k[7] & 1:
            return
        k[7] ^= (k[10] - 0x3035E544) & MASK
        routine_22(k, v)
    k[1] ^= (58 * v) & MASK
    if sel == 2:
        k[2] &= (k[18] - 0x37CF1A3F) & MASK
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        routine_23(k, k[16])
    v = (v * ((77 * v) & MASK)) & MASK
    if sel == 8:
        k[9] ^= 0xEEB638B if NEG_COS[k[11] & 0xFF] else k[6]
        k[9] = rotr(k[9], 20 if NEG_COS[k[9] & 0xFF] else k[0])
        t = v & (0xF998E196 if NEG_COS[k[10] & 0xFF] else k[10])
        k[6] ^= rotl(t, 7)
        k[1] ^= (t - 0x4B327DA) & MASK
        k[7] = (k[7] + (t ^ 0x672E5A7)) & MASK
        t ^= 0xBC91B04 if NEG_SIN[t & 0xFF] else k[8]
        k[11] ^= k[6] & 0xBE53718
        t ^= 0x9DADA8A4 if NEG_COS[k[2] & 0xFF] else t
        k[0] = (k[0] - (0x9DADA8A4 & k[6])) & MASK
        k[13] = (k[13] + ((k[1] - 0x7B284744) & MASK)) & MASK
        k[3] ^= (20 * k[18]) & MASK
        k[2] |= (t - 0x313BB22) & MASK
    if sel == 9:
        k[8] ^= 0x3544CA5E if NEG_COS[k[17] & 0xFF] else k[8]
        k[9] = (k[9] * (0x28D781D2 if NEG_SIN[0x3ED322E1 & 0xFF] else k[10])) & MASK
        routine_13(k, k[0])
    k[3] = rotr(k[3], (v * 0xA588A375) & MASK)
