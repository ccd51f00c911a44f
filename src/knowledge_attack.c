/* knowledge_attack: what each attack indicator means and what to do about
 * it, as data (see include/smbneg/knowledge.h). A conversation with an
 * indicator is described by the most severe one; its signing verdict is
 * still what the wire shows, but no signing change is advised for it: a
 * scanner's probe or an exploit is not a configuration problem. */
#include "smbneg/knowledge.h"

#include <stddef.h>

#define MS17_010                                                                                   \
	"MS17-010 (March 2017, KB4013389 and every later cumulative update); disable SMB1 "        \
	"(Set-SmbServerConfiguration -EnableSMB1Protocol $false, Samba \"server min protocol = "   \
	"SMB2\")"

/* Most severe first: a conversation is described by its first row present. */
static const struct knowledge_attack attacks[] = {
    {IND_DOUBLEPULSAR_IMPLANT,
     "the server answered the DoublePulsar check with MultiplexId + 16: the DoublePulsar kernel "
     "implant is installed on it",
     "the server is compromised: isolate it, rebuild it from clean media, then apply " MS17_010,
     "nmap smb-double-pulsar-backdoor; Countercept doublepulsar-detection-script"},
    {IND_MS17_010_VULNERABLE,
     "a scanner's MS17-010 probe (Trans PeekNamedPipe on FID 0) was answered "
     "STATUS_INSUFF_SERVER_RESOURCES: the server lacks the MS17-010 (EternalBlue) patch",
     "patch the server now and check it for compromise: " MS17_010,
     "nmap smb-vuln-ms17-010; Metasploit auxiliary/scanner/smb/smb_ms17_010"},
    {IND_ETERNALBLUE_EXPLOIT,
     "EternalBlue exploitation (an NT Transact continued by Transaction2 Secondary with an "
     "oversized FEA list, or the exploit's pool-grooming connections: one NBSS header of about "
     "64 KiB, zeros, never completed)",
     "block and investigate the attacking client; treat the server as compromised unless it "
     "has " MS17_010,
     "Check Point Research and RiskSense EternalBlue analyses (2017); Metasploit "
     "ms17_010_eternalblue"},
    {IND_SMBGHOST_EXPLOIT,
     "a COMPRESSION_TRANSFORM header whose sizes overflow: SMBGhost (CVE-2020-0796) "
     "exploitation",
     "block and investigate the attacking client; patch the server (KB4551762, March 2020) or "
     "disable SMB 3.1.1 compression (LanmanServer\\Parameters DisableCompression=1, "
     "Set-SmbServerConfiguration -DisableCompression $true); treat it as compromised if it was "
     "unpatched",
     "Microsoft ADV200005; ZecOps, Synacktiv and McAfee CVE-2020-0796 analyses"},
    {IND_NTLM_RELAY,
     "this conversation is one leg of an NTLM relay (see the relay event): the relay host "
     "carried one NTLM exchange from the victim to the target, so errors here come from a man "
     "in the middle, not from a server bug",
     "find and stop the relay host; treat the victim's credentials as used by the attacker; "
     "require signing on every server (LanmanServer\\Parameters RequireSecuritySignature=1, "
     "Samba \"server signing = mandatory\"): a relayed session cannot sign, so a server that "
     "requires signing refuses it, which is what signing exists for",
     "MS-NLMP 3.3.2 (NTProofStr); README \"JSON schema\" (relay)"},
    {IND_NTLM_FIXED_CHALLENGE,
     "the server sent the fixed NTLM challenge of an attack tool (Responder, Metasploit, "
     "impacket smbserver): a credential-capturing server, whose NTLM responses can be cracked "
     "offline",
     "find and remove the rogue SMB server; reset the password of every account that "
     "authenticated to it; stop clients being lured to it (disable LLMNR and NetBIOS name "
     "resolution, restrict outgoing NTLM: Group Policy \"Network security: Restrict NTLM: "
     "Outgoing NTLM traffic to remote servers\")",
     "Responder and Metasploit capture/smb defaults; impacket smbserver.py"},
    {IND_DOUBLEPULSAR_PROBE,
     "a scanner checked for the DoublePulsar implant (Trans2 SESSION_SETUP, subcommand 0x000e); "
     "the server did not answer as an implanted one",
     "find out who scans from the client address; make sure the server has " MS17_010,
     "nmap smb-double-pulsar-backdoor"},
    {IND_MS17_010_PROBE,
     "a scanner probed for MS17-010 (Trans PeekNamedPipe on FID 0); the server did not answer "
     "as a vulnerable one",
     "find out who scans from the client address; make sure the server has " MS17_010,
     "nmap smb-vuln-ms17-010"},
};

const struct knowledge_attack *knowledge_attack_of(indicator_mask m)
{
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
		if (m & IND_BIT(attacks[i].indicator))
			return &attacks[i];
	return NULL;
}
